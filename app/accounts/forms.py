"""Account forms: sign-in and the admin pages for users and scopes."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.accounts.services import EMAIL, MIN_PASSWORD_LENGTH
from app.web.labels import ROLE_LABELS, SCOPE_LEVEL_LABELS

ROLE_CHOICES = [SelectChoice(role, label) for role, label in ROLE_LABELS.items()]
LEVEL_CHOICES = [SelectChoice(level, label) for level, label in SCOPE_LEVEL_LABELS.items()]
REQUIRED = _l("Ce champ est obligatoire.")
PASSWORD_LENGTH = _l("Au moins %(num)d caractères.", num=MIN_PASSWORD_LENGTH)


class LoginForm(FlaskForm):
    email = StringField(_l("Adresse e-mail"), validators=[DataRequired(REQUIRED), Length(max=254)],
                        render_kw={"autocomplete": "username", "type": "email"})
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired(REQUIRED)],
                             render_kw={"autocomplete": "current-password"})


class LogoutForm(FlaskForm):
    """Only the CSRF token: signing out is a POST."""


class UserCreateForm(FlaskForm):
    email = StringField(_l("Adresse e-mail"), validators=[
        DataRequired(REQUIRED), Length(max=254),
        Regexp(EMAIL, message=_l("Adresse e-mail invalide."))])
    display_name = StringField(_l("Nom affiché"), validators=[Optional(), Length(max=120)])
    role = SelectField(_l("Rôle"), choices=ROLE_CHOICES)
    password = PasswordField(_l("Mot de passe"), validators=[
        DataRequired(REQUIRED), Length(min=MIN_PASSWORD_LENGTH, message=PASSWORD_LENGTH)],
        render_kw={"autocomplete": "new-password"})


class UserEditForm(FlaskForm):
    display_name = StringField(_l("Nom affiché"), validators=[Optional(), Length(max=120)])
    role = SelectField(_l("Rôle"), choices=ROLE_CHOICES)
    active = BooleanField(_l("Compte actif"))
    password = PasswordField(_l("Nouveau mot de passe (laisser vide pour le garder)"), validators=[
        Optional(), Length(min=MIN_PASSWORD_LENGTH, message=PASSWORD_LENGTH)],
        render_kw={"autocomplete": "new-password"})


class ScopeForm(FlaskForm):
    level = SelectField(_l("Niveau"), choices=LEVEL_CHOICES)
    code = StringField(_l("Code (région, département ou INSEE de la commune)"),
                       validators=[DataRequired(REQUIRED), Length(max=5)])


class ConfirmForm(FlaskForm):
    """A bare confirmation (CSRF token only), for deletions."""


class ThemeForm(FlaskForm):
    slug = StringField(_l("Identifiant (slug)"), render_kw={"maxlength": 60})
    label_fr = StringField(_l("Libellé en français"), render_kw={"maxlength": 120})
    label_en = StringField(_l("Libellé en anglais"), render_kw={"maxlength": 120})
    colour = StringField(_l("Couleur (#RRGGBB)"), render_kw={"maxlength": 7})
    icon = StringField(_l("Icône"), render_kw={"maxlength": 40})
    position = IntegerField(_l("Position"), default=0, validators=[Optional()])
    # Checked by app.initiatives.themes (a top category, two levels only).
    parent_id = SelectField(_l("Catégorie parente"), choices=[], validate_choice=False,
                            coerce=lambda value: "" if value is None else str(value))
    data_inclusion = StringField(_l("Thématique data·inclusion correspondante"),
                                 render_kw={"maxlength": 80})

    def set_parent_choices(self, themes, theme=None) -> None:
        """Offer the top categories other than this theme, or none (a top category)."""
        self.parent_id.choices = [("", _l("Aucune : catégorie principale"))] + [
            (str(top.id), top.label_fr) for top in themes
            if top.parent_id is None and (theme is None or top.id != theme.id)]


class ReasonForm(FlaskForm):
    label = StringField(_l("Libellé court"), render_kw={"maxlength": 120})
    text = TextAreaField(_l("Message envoyé à la personne"), render_kw={"maxlength": 2000})
    position = IntegerField(_l("Position"), default=0, validators=[Optional()])
    active = BooleanField(_l("Proposé aux modérateur·rices"), default=True)


class EraseForm(FlaskForm):
    confirm_id = StringField(_l("Recopiez le numéro de l'initiative pour confirmer"),
                             validators=[DataRequired(REQUIRED)])
    reason = StringField(_l("Motif (sans donnée personnelle, il reste dans le journal)"),
                         validators=[DataRequired(REQUIRED), Length(max=300)])
