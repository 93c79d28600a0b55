"""Moderators' forms for actors: the edit and the merge of a duplicate."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from app.web.forms import options
from app.web.labels import ACTOR_TYPE_LABELS


class ActorForm(FlaskForm):
    name = StringField(_l("Nom"), render_kw={"maxlength": 200})
    type = SelectField(_l("Type d'acteur"), validate_choice=False, choices=options(
        [("", _l("— Non précisé —")), *ACTOR_TYPE_LABELS.items()]))
    actor_identifier = StringField(_l("SIRET, SIREN ou numéro RNA (facultatif)"),
                                   render_kw={"maxlength": 20})
    website = StringField(_l("Site web"), render_kw={"maxlength": 500, "type": "url"})
    public_contact = StringField(_l("Contact public (publié)"), render_kw={"maxlength": 300})
    insee = StringField(_l("Code INSEE de la commune du siège"), render_kw={"maxlength": 5})
    description = TextAreaField(_l("Description courte"), render_kw={"maxlength": 600,
                                                                     "rows": 3})
    reason = TextAreaField(_l("Motif de la modification"), validators=[Optional()])


class ActorMergeForm(FlaskForm):
    kept_id = IntegerField(_l("Fusionner dans l'acteur n°"), validators=[
        InputRequired(message=_l("Indiquez le numéro de l'acteur à garder.")),
        NumberRange(min=1)])
    reason = TextAreaField(_l("Motif"), validators=[Optional()])
