"""Admin pages: users, roles and scopes; themes; reject reasons; erasure; the audit trail
(HTTP only). Every change is recorded in the audit trail within its own transaction."""

from collections.abc import Callable

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from app.accounts import bp
from app.accounts.audit import (
    ACCOUNT_FIELDS,
    REASON_FIELDS,
    THEME_FIELDS,
    record,
    record_account_edit,
    record_changes,
    record_scope,
    record_user_created,
    values_of,
)
from app.accounts.audit_page import account_choices, entries_of, events_page
from app.accounts.forms import (
    ConfirmForm,
    EraseForm,
    ReasonForm,
    ScopeForm,
    ThemeForm,
    UserCreateForm,
    UserEditForm,
)
from app.accounts.services import (
    AccountError,
    add_scope,
    create_user,
    remove_scope,
    update_user,
)
from app.database import as_integer, write_transaction
from app.extensions import db
from app.geo.territory import territory_name
from app.initiatives.erasure import erase_initiative, purge_deleted_rows
from app.initiatives.reject_reasons import InvalidReason, save_reason
from app.initiatives.taxonomy import all_themes
from app.initiatives.themes import InvalidTheme, delete_theme, save_theme, theme_usage
from app.models import Initiative, OutboxMessage, RejectReason, Theme, User
from app.web.permissions import admin_required, is_admin, load_initiative, permission_required


def account_error_message(error: AccountError) -> str:
    return {
        "duplicate_email": _("Un compte existe déjà avec cette adresse."),
        "email": _("Adresse e-mail invalide."),
        "password": _("Mot de passe trop court."),
        "role": _("Rôle inconnu."),
        "territory": _("Territoire inconnu : vérifiez le code."),
        "duplicate_scope": _("Ce territoire est déjà attribué."),
    }.get(error.code, str(error))


def show_errors(form, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        form[name].errors = [*form[name].errors, message]


@bp.get("/admin/")
@admin_required
def admin_index():
    """The admin home: links and what needs attention."""
    failed_mail = db.session.scalar(sa.select(sa.func.count()).where(
        OutboxMessage.status == "failed"))
    return render_template("admin/index.html", failed_mail=failed_mail)


@bp.route("/admin/users", methods=["GET", "POST"])
@admin_required
def admin_users():
    """Every account; create one."""
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            with write_transaction():
                user = create_user(form.email.data, form.password.data, form.role.data,
                                   form.display_name.data or "")
                record_user_created(current_user, user)
        except AccountError as error:
            form.email.errors = [account_error_message(error)]
        else:
            flash(_("Compte créé : %(email)s.", email=user.email), "success")
            return redirect(url_for("accounts.admin_user", user_id=user.id))
    users = db.session.scalars(sa.select(User).order_by(User.role, User.email)).all()
    return render_template("admin/users.html", users=users, form=form), 400 if form.errors else 200


def load_user(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@permission_required(is_admin, load_user)
def admin_user(user: User):
    """Change an account's role, name, state or password; see and change its scopes."""
    form = UserEditForm(obj=user)
    if form.validate_on_submit():
        if user.id == current_user.id and (form.role.data != "admin" or not form.active.data):
            form.role.errors = [_("Vous ne pouvez pas retirer vos propres droits.")]
        else:
            with write_transaction():
                before = values_of(user, ACCOUNT_FIELDS)
                update_user(user, role=form.role.data, display_name=form.display_name.data or "",
                            active=form.active.data, password=form.password.data or "")
                record_account_edit(current_user, user, before, bool(form.password.data))
            if user.id == current_user.id:
                login_user(user)  # a new password ended the other sessions, not this one
            flash(_("Compte mis à jour."), "success")
            return redirect(url_for("accounts.admin_user", user_id=user.id))
    return render_user(user, form)


def render_user(user: User, form=None, scope_form=None):
    form = form or UserEditForm(formdata=None, obj=user)
    scope_form = scope_form or ScopeForm(formdata=None)
    scopes = [(scope, territory_name(scope.level, scope.code)) for scope in user.scopes]
    status = 400 if form.errors or scope_form.errors else 200
    return render_template("admin/user.html", user=user, form=form, scope_form=scope_form,
                           scopes=scopes, delete_form=ConfirmForm(formdata=None)), status


@bp.post("/admin/users/<int:user_id>/scopes")
@permission_required(is_admin, load_user)
def admin_add_scope(user: User):
    """Give a moderator a territory (région, département or commune)."""
    form = ScopeForm()
    if form.validate():
        try:
            with write_transaction():
                scope = add_scope(user, form.level.data, form.code.data)
                record_scope("scope_add", current_user, user, scope.level, scope.code)
        except AccountError as error:
            form.code.errors = [account_error_message(error)]
        else:
            flash(_("Territoire ajouté."), "success")
            return redirect(url_for("accounts.admin_user", user_id=user.id))
    return render_user(user, scope_form=form)


@bp.post("/admin/users/<int:user_id>/scopes/<int:scope_id>/delete")
@admin_required
def admin_remove_scope(user_id: int, scope_id: int):
    """Take a territory away from a moderator."""
    user = db.get_or_404(User, user_id)
    if ConfirmForm().validate():
        with write_transaction():
            for level, code in remove_scope(user, scope_id):
                record_scope("scope_remove", current_user, user, level, code)
        flash(_("Territoire retiré."), "success")
    return redirect(url_for("accounts.admin_user", user_id=user.id))


@bp.route("/admin/themes", methods=["GET", "POST"])
@admin_required
def admin_themes():
    """The theme taxonomy; add a theme."""
    themes = all_themes()
    form = ThemeForm()
    form.set_parent_choices(themes)
    if form.validate_on_submit() and save_or_show(form, None):
        flash(_("Thème ajouté."), "success")
        return redirect(url_for("accounts.admin_themes"))
    usage = {theme.id: theme_usage(theme) for theme in themes}
    return render_template("admin/themes.html", themes=themes, usage=usage, form=form), \
        400 if form.errors else 200


def saved(form, save: Callable[[], object], invalid: type[Exception]) -> bool:
    """Save in one transaction; when the rules refuse the values, show why on the form."""
    try:
        with write_transaction():
            save()
    except invalid as error:
        show_errors(form, error.errors)
        return False
    return True


def save_or_show(form: ThemeForm, theme: Theme | None) -> bool:
    def save() -> None:
        before = values_of(theme, THEME_FIELDS)
        after = values_of(save_theme(form.data, theme), THEME_FIELDS)
        record_changes("theme_update" if theme else "theme_create", current_user, before, after,
                       subject=after["slug"])

    return saved(form, save, InvalidTheme)


def load_theme(theme_id: int) -> Theme:
    return db.get_or_404(Theme, theme_id)


@bp.route("/admin/themes/<int:theme_id>", methods=["GET", "POST"])
@permission_required(is_admin, load_theme)
def admin_theme(theme: Theme):
    """Change a theme's labels, colour, icon or position; delete an unused one."""
    form = ThemeForm(obj=theme)
    form.set_parent_choices(all_themes(), theme)
    delete_form = ConfirmForm()
    if form.validate_on_submit() and save_or_show(form, theme):
        flash(_("Thème mis à jour."), "success")
        return redirect(url_for("accounts.admin_themes"))
    return render_template("admin/theme.html", theme=theme, form=form, delete_form=delete_form,
                           usage=theme_usage(theme)), 400 if form.errors else 200


@bp.post("/admin/themes/<int:theme_id>/delete")
@permission_required(is_admin, load_theme)
def admin_delete_theme(theme: Theme):
    try:
        with write_transaction():
            before = values_of(theme, THEME_FIELDS)
            delete_theme(theme)
            record("theme_delete", current_user, subject=before["slug"], before=before)
    except InvalidTheme as error:
        flash(" ".join(error.errors.values()), "error")
        return redirect(url_for("accounts.admin_theme", theme_id=theme.id))
    flash(_("Thème supprimé."), "success")
    return redirect(url_for("accounts.admin_themes"))


@bp.route("/admin/reasons", methods=["GET", "POST"])
@admin_required
def admin_reasons():
    """The reusable reject reasons; add one."""
    form = ReasonForm()
    if form.validate_on_submit() and save_reason_or_show(form, None):
        flash(_("Motif ajouté."), "success")
        return redirect(url_for("accounts.admin_reasons"))
    reasons = db.session.scalars(sa.select(RejectReason).order_by(RejectReason.position)).all()
    return render_template("admin/reasons.html", reasons=reasons, form=form), \
        400 if form.errors else 200


def save_reason_or_show(form: ReasonForm, reason: RejectReason | None) -> bool:
    def save() -> None:
        before = values_of(reason, REASON_FIELDS)
        after = values_of(save_reason(form.label.data, form.text.data, form.position.data or 0,
                                      form.active.data, reason), REASON_FIELDS)
        record_changes("reason_update" if reason else "reason_create", current_user, before,
                       after, subject=after["label"])

    return saved(form, save, InvalidReason)


def load_reason(reason_id: int) -> RejectReason:
    return db.get_or_404(RejectReason, reason_id)


@bp.route("/admin/reasons/<int:reason_id>", methods=["GET", "POST"])
@permission_required(is_admin, load_reason)
def admin_reason(reason: RejectReason):
    form = ReasonForm(obj=reason)
    if form.validate_on_submit() and save_reason_or_show(form, reason):
        flash(_("Motif mis à jour."), "success")
        return redirect(url_for("accounts.admin_reasons"))
    return render_template("admin/reason.html", reason=reason, form=form), \
        400 if form.errors else 200


@bp.route("/admin/initiatives/<int:initiative_id>/erase", methods=["GET", "POST"])
@permission_required(is_admin, load_initiative)
def admin_erase(initiative: Initiative):
    """RGPD erasure: really delete an initiative and its traces, keeping an audit event."""
    form = EraseForm()
    if form.validate_on_submit():
        if form.confirm_id.data.strip() != str(initiative.id):
            form.confirm_id.errors = [_("Le numéro ne correspond pas.")]
        else:
            with write_transaction():
                erased_id = initiative.id
                erase_initiative(initiative, admin=current_user, reason=form.reason.data)
                record("erase", current_user, subject=f"#{erased_id}",
                       before={"initiative_id": erased_id},
                       after={"reason": form.reason.data.strip()})
            purge_deleted_rows()
            flash(_("L'initiative et ses données ont été effacées."), "success")
            return redirect(url_for("accounts.admin_index"))
    return render_template("admin/erase.html", initiative=initiative, form=form), \
        400 if form.errors else 200


@bp.get("/admin/outbox")
@admin_required
def admin_outbox():
    """The last e-mails of the outbox and their state (sent by `flask mail send`)."""
    messages = db.session.scalars(sa.select(OutboxMessage).order_by(
        OutboxMessage.id.desc()).limit(100)).all()
    return render_template("admin/outbox.html", messages=messages)


@bp.get("/admin/audit")
@admin_required
def admin_audit():
    """The audit trail of admin actions, newest first; ?user= keeps one account's entries."""
    target = as_integer(request.args.get("user"))
    page = events_page(as_integer(request.args.get("page")) or 1, target)
    return render_template("admin/audit.html", page=page, entries=entries_of(page.items),
                           accounts=account_choices(), target=target)
