"""Territorial scopes: which initiatives a moderator acts on (no scope = all of France)."""

import sqlalchemy as sa

from app.models import Initiative, User, UserScope

SCOPE_COLUMNS = {
    "region": Initiative.region,
    "departement": Initiative.departement,
    "commune": Initiative.insee,
}


def is_national(user: User) -> bool:
    """Tell whether the user acts on all of France: an admin, or a moderator without scopes."""
    return user.role == "admin" or not user.scopes


def scope_matches(scope: UserScope, initiative: Initiative) -> bool:
    """Tell whether an initiative lies in one scope."""
    return getattr(initiative, SCOPE_COLUMNS[scope.level].key) == scope.code


def covers(user: User, initiative: Initiative) -> bool:
    """Tell whether an initiative lies within the user's territories."""
    return is_national(user) or any(scope_matches(s, initiative) for s in user.scopes)


def scope_condition(user: User) -> sa.ColumnElement[bool]:
    """A condition on Initiative keeping the rows within the user's territories."""
    if is_national(user):
        return sa.true()
    return sa.or_(*(SCOPE_COLUMNS[scope.level] == scope.code for scope in user.scopes))
