"""Fixtures of the contribution, moderation and account tests: accounts, sign-in, proposals.

Test modules import them with `from tests.contribution_fixtures import *`.
"""

import functools
import re
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from app.accounts.passwords import hash_password
from app.accounts.services import add_scope
from app.contribute.anti_abuse import issue_stamp
from app.database import write_transaction
from app.extensions import db
from app.initiatives.services import create_initiative
from app.models import Initiative, User

PASSWORD = "correct horse battery"
CLUNY, BORDEAUX = "71137", "33063"
SECRET_EMAIL = "proposer.secret@example.org"


@dataclass
class Accounts:
    admin: User
    contributor: User
    moderator_71: User
    moderator_33: User
    national: User


@pytest.fixture
def fast_forms(app):
    """Forms may be sent at once (the minimum fill time has its own tests)."""
    app.config["FORM_MIN_SECONDS"] = 0


@functools.cache
def password_hash() -> str:
    """One argon2id hash of PASSWORD for every test account (hashing takes a while)."""
    return hash_password(PASSWORD)


def account(email: str, role: str, name: str) -> User:
    user = User(email=email, password_hash=password_hash(), role=role, display_name=name)
    db.session.add(user)
    return user


@pytest.fixture
def accounts(app, themes) -> Accounts:
    """An admin, a contributor, moderators of Saône-et-Loire (71), Gironde (33), all France."""
    with write_transaction():
        found = Accounts(
            admin=account("admin@example.fr", "admin", "Admin"),
            contributor=account("agent@example.fr", "contributor", "Agent"),
            moderator_71=account("moderation71@example.fr", "moderator", "M71"),
            moderator_33=account("moderation33@example.fr", "moderator", "M33"),
            national=account("national@example.fr", "moderator", "National"),
        )
        db.session.flush()
        add_scope(found.moderator_71, "departement", "71")
        add_scope(found.moderator_33, "departement", "33")
    return found


def login(client, user_or_email, password: str = PASSWORD):
    email = user_or_email if isinstance(user_or_email, str) else user_or_email.email
    return client.post("/login", data={"email": email, "password": password})


def make_initiative(name: str = "Jardin partagé des Griottes", *, status: str = "pending",
                    insee: str = CLUNY, author: User | None = None, **values) -> Initiative:
    """An initiative written straight through the service, as a form would."""
    with write_transaction():
        initiative = create_initiative(
            {"name": name, "kind": "initiative", "insee": insee,
             "private_email": SECRET_EMAIL, "themes": ["crisis-management"], **values},
            status=status, author=author)
    return initiative


def proposal_data(**overrides) -> dict:
    """A valid proposal as the form posts it (commune typed, no script)."""
    data = {"name": "Repair café de Cluny", "kind": "initiative", "commune": "Cluny",
            "summary": "Réparer ensemble plutôt que jeter.", "themes": ["territory-proximity"],
            "website": "https://repair.example.org", "private_email": SECRET_EMAIL,
            "consent": "y", "stamp": issue_stamp(), "action": "send"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def count(model, *conditions) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*conditions))


def follow_up_path(response) -> str:
    """The follow-up link a proposal redirects to."""
    location = response.headers["Location"]
    assert re.search(r"/suivi/[A-Za-z0-9_-]{40,}$", location), location
    return location
