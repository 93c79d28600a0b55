"""Import forms: the upload, then the mapping of columns and the options."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import Length

from app.exchange.mapping import TARGETS
from app.models import KINDS
from app.web.labels import KIND_LABELS

MAP_PREFIX = "map_"


class UploadForm(FlaskForm):
    file = FileField(_l("Fichier GeoJSON, uMap (.umap) ou CSV"),
                     validators=[FileRequired(_l("Choisissez un fichier."))])
    source = StringField(_l("Source (facultatif : sinon le nom du fichier)"),
                         validators=[Length(max=200)])


class MappingForm(FlaskForm):
    """The options of an import; one select per initiative field is added by mapping_form()."""

    source = StringField(_l("Source"), validators=[Length(max=200)])
    default_kind = SelectField(_l("Nature quand le fichier ne la donne pas"),
                               choices=[SelectChoice(kind, KIND_LABELS[kind]) for kind in KINDS])
    status = RadioField(_l("Les initiatives créées seront"), default="pending", choices=[
        SelectChoice("pending", _l("en attente de modération")),
        SelectChoice("published", _l("publiées"))])
    shapes_to_points = BooleanField(_l("Convertir les lignes et polygones en un point intérieur"))
    include_duplicates = BooleanField(_l("Créer aussi les doublons possibles"))

    def mapping(self) -> dict[str, str]:
        """The chosen column of each field (unmapped fields left out)."""
        return {target: self[MAP_PREFIX + target].data for target in TARGETS
                if self[MAP_PREFIX + target].data}

    def mapping_fields(self) -> list:
        return [self[MAP_PREFIX + target] for target in TARGETS]


def mapping_form(columns: list[str], **kwargs) -> MappingForm:
    """A mapping form whose selects offer the file's columns."""
    choices = [SelectChoice("", "—"), *(SelectChoice(column) for column in columns)]

    class Form(MappingForm):
        pass

    for target, label in TARGETS.items():
        setattr(Form, MAP_PREFIX + target, SelectField(label, choices=choices, default=""))
    return Form(**kwargs)
