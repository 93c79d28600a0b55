"""Who may do what: decorators that load the object once and answer HTML or JSON.

Anonymous people asking for a page go to the login page (with a safe `next`); everyone else
who may not act gets the 403 page, and JSON clients a JSON 403 (CONVENTIONS.md §9).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.initiatives.scopes import covers
from app.models import ChangeSet, Initiative, Report, User
from app.web.http import error_response, wants_json

MODERATOR_ROLES = ("admin", "moderator")
# Moderators import too: an import lands in their queue like any proposal.
IMPORT_ROLES = ("admin", "moderator")


def is_admin(user: User, _target: Any = None) -> bool:
    return user.is_authenticated and user.role == "admin"


def is_moderator(user: User, _target: Any = None) -> bool:
    return user.is_authenticated and user.role in MODERATOR_ROLES


def may_import(user: User, _target: Any = None) -> bool:
    """Someone who may upload a file of initiatives (/import)."""
    return user.is_authenticated and user.role in IMPORT_ROLES


def is_member(user: User, _target: Any = None) -> bool:
    """Any signed-in account."""
    return user.is_authenticated


def load_initiative(initiative_id: int) -> Initiative:
    """The initiative of the URL, for the decorators below; 404 when there is none."""
    return db.get_or_404(Initiative, initiative_id)


def initiative_of(target: Initiative | ChangeSet | Report) -> Initiative:
    return target if isinstance(target, Initiative) else target.initiative


def can_moderate(user: User, target: Initiative | ChangeSet | Report | None) -> bool:
    """A moderator within whose territories the initiative lies, or an admin."""
    return is_moderator(user) and (target is None or covers(user, initiative_of(target)))


def deny():
    """Refuse: the login page for anonymous visitors, a 403 for the others."""
    message = _("Vous n'avez pas accès à cette page.")
    if wants_json():
        return error_response(403, "forbidden", message)
    if not current_user.is_authenticated:
        flash(_("Connectez-vous pour accéder à cette page."), "info")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    return error_response(403, "forbidden", message)


def permission_required(allowed: Callable[[User, Any], bool],
                        load: Callable[..., Any] | None = None):
    """Run the view when allowed(current_user, object) holds.

    With load, the object is loaded once from the URL values (404 when missing) and passed
    to the view in their place. allowed(user, None) is asked first: people who may act on no
    object at all are refused before the load, so they cannot probe which objects exist.
    """
    def decorator(view):
        @wraps(view)
        def wrapper(**values):
            if not current_user.is_authenticated or not allowed(current_user, None):
                return deny()
            target = load(**values) if load else None
            if not allowed(current_user, target):
                return deny()
            return view(target) if load else view(**values)
        return wrapper
    return decorator


admin_required = permission_required(is_admin)
moderator_required = permission_required(is_moderator)
login_required = permission_required(is_member)


def moderates(load: Callable[..., Any]):
    """Load an initiative, change set or report and let only its moderators through."""
    return permission_required(can_moderate, load)
