"""Moderation forms: decisions, edits, merges, reports and bulk decisions."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from app.web.forms import InitiativeForm, VersionField, options, private_email
from app.web.labels import (
    CHANGE_SET_DECISION_LABELS,
    DECISION_LABELS,
    REPORT_DECISION_LABELS,
)

REASON_MAX = 2_000
CHOOSE = _l("Choisissez une décision.")


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Décision"), choices=options(DECISION_LABELS),
                          validators=[InputRequired(message=CHOOSE)])
    reason_id = SelectField(_l("Motif type"), choices=[], validate_choice=False)
    reason = TextAreaField(_l("Message à la personne qui a proposé (motif, précisions)"),
                           validators=[Optional(), Length(max=REASON_MAX)], render_kw={"rows": 3})
    version = VersionField()

    def set_reasons(self, reasons) -> None:
        self.reason_id.choices = options([("", _l("— Aucun —")),
                                          *((reason.id, reason.label) for reason in reasons)])


class ChangeSetDecisionForm(DecisionForm):
    decision = RadioField(_l("Décision"), validators=[InputRequired(message=CHOOSE)],
                          choices=options(CHANGE_SET_DECISION_LABELS))


class EditForm(InitiativeForm):
    """A moderator's edit: every field, the private e-mail, and why."""

    private_email = private_email()
    reason = TextAreaField(_l("Motif de la modification"),
                           validators=[Optional(), Length(max=REASON_MAX)], render_kw={"rows": 2})
    version = VersionField()


class MergeForm(FlaskForm):
    target_id = IntegerField(_l("Fusionner dans l'initiative n°"),
                             validators=[InputRequired(message=_l("Indiquez l'initiative."))])
    reason = TextAreaField(_l("Motif"), validators=[Optional(), Length(max=REASON_MAX)],
                           render_kw={"rows": 2})
    version = VersionField()


class ReportDecisionForm(FlaskForm):
    decision = RadioField(_l("Décision"), validators=[InputRequired(message=CHOOSE)],
                          choices=options(REPORT_DECISION_LABELS))
    archive = BooleanField(_l("Archiver aussi l'initiative"))
    comment = TextAreaField(_l("Commentaire"), validators=[Optional(), Length(max=REASON_MAX)],
                            render_kw={"rows": 2})
    version = VersionField()


class BulkForm(FlaskForm):
    items = SelectMultipleField(_l("Éléments"), choices=[], validate_choice=False)
    decision = RadioField(_l("Décision pour la sélection"),
                          validators=[InputRequired(message=CHOOSE)],
                          choices=options((value, DECISION_LABELS[value])
                                          for value in ("approve", "reject")))
    reason_id = DecisionForm.reason_id
    reason = DecisionForm.reason

    set_reasons = DecisionForm.set_reasons


class ConfirmForm(FlaskForm):
    """A moderator's confirmation that an entry's facts are still true."""

    version = VersionField()
