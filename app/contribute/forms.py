"""Proposal, correction, follow-up and report forms, on top of the shared initiative form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired

from app.initiatives.fields import MAX_LENGTHS
from app.web.anti_abuse import AntiAbuseMixin
from app.web.forms import InitiativeForm, VersionField, options, private_email, text
from app.web.labels import REPORT_LABELS


class CorrectionFields:
    """Why the correction, and where to tell its proposer about the decision."""

    message = TextAreaField(_l("Pourquoi cette correction ? (facultatif)"),
                            render_kw={"maxlength": MAX_LENGTHS["summary"], "rows": 3})
    private_email = text(
        _l("Votre adresse e-mail pour être informé·e (facultatif, jamais publiée)"),
        "private_email", type="email", autocomplete="email")


class ProposalForm(AntiAbuseMixin, InitiativeForm):
    private_email = private_email()
    consent = BooleanField(
        _l("J'ai lu ce qui est publié et ce qui reste privé, et j'accepte ces conditions."),
        validators=[InputRequired(message=_l("Cochez cette case pour envoyer la proposition."))])
    confirm_distinct = BooleanField(_l("Mon initiative est différente : l'envoyer quand même"))


class CorrectionForm(AntiAbuseMixin, CorrectionFields, InitiativeForm):
    pass


class FollowUpForm(InitiativeForm):
    """The proposer's edit of a pending proposal, through the follow-up link."""

    private_email = private_email()
    version = VersionField()


class ChangeSetFollowUpForm(CorrectionFields, InitiativeForm):
    """The proposer's edit of a pending correction, through the follow-up link."""


class ReportForm(AntiAbuseMixin, FlaskForm):
    kind = RadioField(_l("Quel est le problème ?"), choices=options(REPORT_LABELS),
                      validators=[InputRequired(message=_l("Choisissez le type de problème."))])
    message = TextAreaField(_l("Précisions (facultatif)"), render_kw={"maxlength": 2000, "rows": 4})
    private_email = private_email()


class ReminderConfirmForm(FlaskForm):
    """The button confirming a reminder's answer (a GET changes nothing: mail scanners)."""


class EndedForm(FlaskForm):
    """An initiative's end, told by its contact from a reminder."""

    ended_on = StringField(_l("Date de fin"), render_kw={"type": "date"},
                           validators=[InputRequired(message=_l("Indiquez la date de fin."))])
    life_note = text(_l("Pourquoi elle s'est arrêtée, et ce qu'elle a laissé"), "life_note",
                     area=True, rows=5)
