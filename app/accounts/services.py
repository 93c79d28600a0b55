"""Rules about accounts: creation, roles and scopes."""

import re

import sqlalchemy as sa

from app.accounts.passwords import hash_password
from app.extensions import db
from app.models import ROLES, User

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """An account that cannot be created or changed, with a message for people."""


def create_user(email: str, password: str, role: str, display_name: str = "") -> User:
    """Create an account; flush only. Raise AccountError when it cannot be created."""
    email = email.strip().lower()
    if not EMAIL.match(email) or len(email) > 254:
        raise AccountError(f"Invalid e-mail address: {email!r}.")
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}: choose one of {', '.join(ROLES)}.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise AccountError(f"A user with the e-mail {email} already exists.")
    user = User(email=email, password_hash=hash_password(password), role=role,
                display_name=display_name or email.split("@")[0])
    db.session.add(user)
    db.session.flush()
    return user
