"""`flask users create`: accounts from the command line, with clear errors."""

import sqlalchemy as sa

from app.accounts.passwords import check_password
from app.extensions import db
from app.models import User
from tests.factories import PASSWORD


def create(runner, *args, password=PASSWORD):
    return runner.invoke(args=["users", "create", *args], input=password + "\n")


def test_create_admin_reads_password_from_stdin_and_hashes_with_argon2id(runner):
    result = create(runner, "Admin@Example.fr", "--role", "admin")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "admin@example.fr"))
    assert user.role == "admin"
    assert user.password_hash.startswith("$argon2id$")
    assert check_password(user.password_hash, PASSWORD)
    assert not check_password(user.password_hash, "wrong password")


def test_duplicate_email_is_a_clear_error(runner):
    assert create(runner, "agent@example.fr", "--role", "contributor").exit_code == 0
    result = create(runner, "AGENT@example.fr", "--role", "moderator")
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_unknown_role_is_a_clear_error(runner):
    result = create(runner, "someone@example.fr", "--role", "superuser")
    assert result.exit_code != 0
    assert "Unknown role 'superuser'" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_short_password_and_bad_email_are_refused(runner):
    assert "at least 10" in create(runner, "a@example.fr", "--role", "admin",
                                   password="short").output
    assert "Invalid e-mail" in create(runner, "not-an-email", "--role", "admin").output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
