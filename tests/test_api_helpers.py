"""Factories shared by the API, export and import tests (imported, holds no test)."""

from app.accounts.services import create_user
from app.database import write_transaction
from app.initiatives.services import create_initiative
from app.models import Initiative, User

PASSWORD = "correct horse battery staple"


def add_initiative(**fields) -> Initiative:
    """An initiative in Cluny unless told otherwise, published unless told otherwise."""
    status = fields.pop("status", "published")
    data = {"name": "Maison du vélo", "kind": "place", "insee": "71137", **fields}
    with write_transaction():
        return create_initiative(data, status=status, reason="test")


def sign_in(client, role: str, email: str | None = None) -> User:
    """Create an account with this role and open its session in the test client."""
    with write_transaction():
        user = create_user(email or f"{role}@example.org", PASSWORD, role)
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return user
