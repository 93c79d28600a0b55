"""Factories and helpers the tests share: accounts, sign-in, initiatives, proposals (no test)."""

import functools
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa

from app.accounts.passwords import hash_password
from app.accounts.services import create_user
from app.contribute.anti_abuse import issue_stamp
from app.database import write_transaction
from app.extensions import db
from app.initiatives.services import create_initiative
from app.models import Initiative, User

PASSWORD = "correct horse battery"
CLUNY, BORDEAUX, PARIS = "71137", "33063", "75056"
SECRET_EMAIL = "proposer.secret@example.org"


@dataclass
class Accounts:
    """The accounts of the `accounts` fixture, one per role and territory."""

    admin: User
    contributor: User
    moderator_71: User
    moderator_33: User
    national: User


@functools.cache
def password_hash() -> str:
    """Hash PASSWORD once with argon2id for every test account (hashing takes a while)."""
    return hash_password(PASSWORD)


def account(email: str, role: str, name: str) -> User:
    """Add an account whose password is PASSWORD to the session."""
    user = User(email=email, password_hash=password_hash(), role=role, display_name=name)
    db.session.add(user)
    return user


def login(client, user_or_email, password: str = PASSWORD):
    """Sign in through the login form."""
    email = user_or_email if isinstance(user_or_email, str) else user_or_email.email
    return client.post("/login", data={"email": email, "password": password})


def sign_in(client, role: str, email: str | None = None) -> User:
    """Create an account with this role and open its session in the test client."""
    with write_transaction():
        user = create_user(email or f"{role}@example.org", PASSWORD, role)
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return user


def make_initiative(name: str = "Jardin partagé des Griottes", *, status: str = "pending",
                    kind: str = "initiative", insee: str | None = "",
                    private_email: str | None = SECRET_EMAIL,
                    themes: Iterable[str] | None = ("gestion-de-crise",),
                    author: User | None = None, reason: str = "", **values) -> Initiative:
    """Write an initiative straight through the service, as a form would.

    `private_email=None` or `themes=None` leaves the field out (no theme needs no `themes`
    fixture); any other field is passed through `values`. The commune is Cluny unless a
    point is given: then the point places it (insee=None for none at all).
    """
    if insee == "":
        insee = None if "lon" in values else CLUNY
    data = {"name": name, "kind": kind, "insee": insee}
    if private_email is not None:
        data["private_email"] = private_email
    if themes is not None:
        data["themes"] = list(themes)
    with write_transaction():
        return create_initiative({**data, **values}, status=status, author=author, reason=reason)


def proposal_data(**overrides) -> dict:
    """A valid proposal as the form posts it (commune typed, no script)."""
    data = {"name": "Repair café de Cluny", "kind": "initiative", "commune": "Cluny",
            "summary": "Réparer ensemble plutôt que jeter.",
            "themes": ["continuite-service-public"],
            "website": "https://repair.example.org", "private_email": SECRET_EMAIL,
            "consent": "y", "stamp": issue_stamp(), "action": "send"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def count(model, *conditions) -> int:
    """Count the rows of a model matching the conditions."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*conditions))


def follow_up_path(response) -> str:
    """The follow-up link a proposal redirects to."""
    location = response.headers["Location"]
    assert re.search(r"/suivi/[A-Za-z0-9_-]{40,}$", location), location
    return location


@contextmanager
def recorded_statements() -> Iterator[list[str]]:
    """The SQL statements sent to the database inside the block, BEGIN included, in order."""
    statements: list[str] = []

    def record(_connection, _cursor, statement, *_args):
        statements.append(statement)
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
