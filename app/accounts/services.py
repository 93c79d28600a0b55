"""Rules about accounts: creation, sign-in, roles and scopes. Flush, never commit."""

import re

import sqlalchemy as sa

from app.accounts.passwords import hash_password
from app.accounts.sessions import end_sessions
from app.extensions import db
from app.geo.territory import current_gazetteer
from app.models import ROLES, SCOPE_LEVELS, User, UserScope

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """An account that cannot be created or changed: a message (CLI) and a code (web pages)."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.code = code


def create_user(email: str, password: str, role: str, display_name: str = "") -> User:
    """Create an account; flush only. Raise AccountError when it cannot be created."""
    email = email.strip().lower()
    if not EMAIL.match(email) or len(email) > 254:
        raise AccountError(f"Invalid e-mail address: {email!r}.", "email")
    check_role(role)
    check_password_strength(password)
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise AccountError(f"A user with the e-mail {email} already exists.", "duplicate_email")
    user = User(email=email, password_hash=hash_password(password), role=role,
                display_name=display_name or email.split("@")[0])
    db.session.add(user)
    db.session.flush()
    return user


def check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}: choose one of {', '.join(ROLES)}.", "role")


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters.", "password")


def update_user(user: User, *, role: str, display_name: str, active: bool,
                password: str = "") -> User:
    """Change an account's role, name, state and, when given, password; flush only.

    A new password, a new role or a deactivation ends the account's sessions: a cookie taken
    before must not come back to life on reactivation, nor keep the rights of the old role.
    """
    check_role(role)
    if password:
        check_password_strength(password)
        user.password_hash = hash_password(password)
    if password or role != user.role or (user.active and not active):
        end_sessions(user)
    user.role = role
    user.display_name = display_name.strip()[:120] or user.email.split("@")[0]
    user.active = active
    db.session.flush()
    return user


def user_by_email(email: str) -> User:
    """The account with this e-mail; raise AccountError when there is none."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise AccountError(f"No user with the e-mail {email}.", "unknown_user")
    return user


def add_scope(user: User, level: str, code: str) -> UserScope:
    """Give a moderator a territory; the code must exist in the gazetteer. Flush only."""
    code = code.strip().upper()
    if level not in SCOPE_LEVELS or not territory_exists(level, code):
        raise AccountError(f"Unknown territory: {level} {code!r}.", "territory")
    if any(scope.level == level and scope.code == code for scope in user.scopes):
        raise AccountError(f"{user.email} already has the scope {level} {code}.", "duplicate_scope")
    scope = UserScope(level=level, code=code)
    user.scopes.append(scope)
    db.session.flush()
    return scope


def territory_exists(level: str, code: str) -> bool:
    gazetteer = current_gazetteer()
    if level == "region":
        return gazetteer.region(code) is not None
    if level == "departement":
        return gazetteer.departement(code) is not None
    return gazetteer.get(code) is not None


def remove_scope(user: User, scope_id: int) -> list[tuple[str, str]]:
    """Take a territory away from a moderator; return its (level, code). Flush only."""
    removed = [(scope.level, scope.code) for scope in user.scopes if scope.id == scope_id]
    user.scopes = [scope for scope in user.scopes if scope.id != scope_id]
    db.session.flush()
    return removed

