"""The audit trail of admin actions: what changed, by whom, before and after. Flush only.

Recorded in the transaction of the action itself, so an action is never without its entry.
Passwords are never recorded, nor their hashes: only the fact that one was set.
"""

from typing import Any

from app.extensions import db
from app.models import AdminEvent, User

ACCOUNT_FIELDS = ("role", "display_name", "active")
THEME_FIELDS = ("slug", "label_fr", "label_en", "colour", "icon", "position")
REASON_FIELDS = ("label", "text", "position", "active")
# The action recorded when one of an account's fields changes (active: on reactivation).
ACCOUNT_ACTIONS = {"role": "role_change", "display_name": "rename", "active": "activate"}


def values_of(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named attributes of obj ({} for None), as stored in an entry."""
    return {} if obj is None else {name: getattr(obj, name) for name in fields}


def record(action: str, actor: User | None, *, target_user: User | None = None,
           subject: str = "", before: dict | None = None, after: dict | None = None) -> AdminEvent:
    """Add one entry; actor None is the command line."""
    event = AdminEvent(action=action, actor_id=actor.id if actor else None,
                       target_user_id=target_user.id if target_user else None,
                       subject=subject[:300], before=before or None, after=after or None)
    db.session.add(event)
    db.session.flush()
    return event


def record_changes(action: str, actor: User | None, before: dict, after: dict,
                   **where) -> AdminEvent | None:
    """Add an entry holding only the values that changed; none when nothing did."""
    changed = [name for name in after if before.get(name) != after[name]]
    if not changed:
        return None
    return record(action, actor, before={name: before.get(name) for name in changed if before},
                  after={name: after[name] for name in changed}, **where)


def record_account_edit(actor: User | None, user: User, before: dict,
                        password_set: bool) -> None:
    """One entry per kind of change to an account: role, name, state, password."""
    after = values_of(user, ACCOUNT_FIELDS)
    for name, action in ACCOUNT_ACTIONS.items():
        if name == "active" and before[name] and not after[name]:
            action = "deactivate"
        record_changes(action, actor, {name: before[name]}, {name: after[name]},
                       target_user=user, subject=user.email)
    if password_set:
        record("password_set", actor, target_user=user, subject=user.email)


def record_user_created(actor: User | None, user: User) -> AdminEvent:
    return record("user_create", actor, target_user=user, subject=user.email,
                  after={"email": user.email, **values_of(user, ACCOUNT_FIELDS)})


def record_scope(action: str, actor: User | None, user: User, level: str, code: str) -> None:
    """A territory given to (scope_add) or taken from (scope_remove) a moderator."""
    values = {"level": level, "code": code}
    record(action, actor, target_user=user, subject=user.email,
           before=values if action == "scope_remove" else None,
           after=values if action == "scope_add" else None)
