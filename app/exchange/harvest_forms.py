"""The admin form of a harvest source."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.exchange.harvest_rows import FORMAT_NAMES

REQUIRED = _l("Ce champ est obligatoire.")
FORMAT_LABELS = {
    "mediation-num": _l("CSV des lieux de médiation numérique"),
    "data-inclusion": _l("JSON data·inclusion (structures ou services)"),
    "geojson": _l("GeoJSON"), "umap": _l("Carte uMap (.umap)"),
    "csv": _l("CSV (avec une correspondance des colonnes)"),
    "maillage": _l("Une autre instance de Maillage (son API)"),
}
assert FORMAT_LABELS.keys() == FORMAT_NAMES.keys()


class SourceForm(FlaskForm):
    name = StringField(_l("Nom"), validators=[DataRequired(REQUIRED), Length(max=120)])
    url = StringField(_l("Adresse web (http:// ou https://)"),
                      validators=[DataRequired(REQUIRED), Length(max=2000)],
                      render_kw={"type": "url"})
    format = SelectField(_l("Format"), choices=[
        SelectChoice(code, label) for code, label in FORMAT_LABELS.items()])
    every = StringField(_l("Synchroniser toutes les (30m, 6h, 1d, 1w)"), default="1d",
                        validators=[DataRequired(REQUIRED), Length(max=10)])
    trusted = BooleanField(_l("Source de confiance : publier ses changements sans modération"))
    allow_private = BooleanField(_l("Autoriser les adresses privées ou locales (réseau interne)"))
    mapping = TextAreaField(_l("Correspondance des colonnes, une par ligne : champ=colonne "
                               "(un CSV ; les standards n'en ont pas besoin)"),
                            validators=[Length(max=5000)])


class ActionForm(FlaskForm):
    """Only the CSRF token: pause, resume and sync are POSTs."""
