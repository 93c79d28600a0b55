"""The dossier form of moderators: title, slug, introduction, sources, ordered initiatives."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.initiatives.dossiers import LENGTHS
from app.web.forms import WithSources

REQUIRED = _l("Ce champ est obligatoire.")


class DossierForm(WithSources):
    title = StringField(_l("Titre"), validators=[InputRequired(message=REQUIRED),
                                                 Length(max=LENGTHS["title"])],
                        render_kw={"maxlength": LENGTHS["title"]})
    slug = StringField(_l("Identifiant dans l'adresse (slug)"),
                       validators=[InputRequired(message=REQUIRED), Length(max=LENGTHS["slug"])],
                       render_kw={"maxlength": LENGTHS["slug"], "pattern": "[a-z0-9-]+"})
    introduction = TextAreaField(_l("Introduction (Markdown)"),
                                 validators=[Length(max=LENGTHS["introduction"])],
                                 render_kw={"rows": 10})
    initiatives = TextAreaField(_l("Initiatives, dans l'ordre (numéros)"),
                                render_kw={"rows": 4})
    position = IntegerField(_l("Place dans la liste des dossiers"), default=0,
                            validators=[Optional(), NumberRange(min=0, max=10_000)])


class DeleteDossierForm(FlaskForm):
    """A bare confirmation (CSRF token only)."""
