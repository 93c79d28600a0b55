"""Territorial scopes: which initiatives a moderator acts on (no scope = all of France).

Every write a moderator or an admin makes goes through check_change: the initiative must lie
within their territories before the change and after it. The command line and the seed (no
user) and a proposer's own edit act on all of France.
"""

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from app.initiatives.fields import InvalidInitiative
from app.initiatives.values import PLACE_KEYS, CleanValues
from app.models import Initiative, User, UserScope
from app.text import N_

SCOPE_COLUMNS = {
    "region": Initiative.region,
    "departement": Initiative.departement,
    "commune": Initiative.insee,
}


class OutOfScope(InvalidInitiative):
    """The initiative lies, or would lie after the change, outside the user's territories."""


def is_national(user: User) -> bool:
    """Tell whether the user acts on all of France: an admin, or a moderator without scopes."""
    return user.role == "admin" or not user.scopes


def scope_matches(scope: UserScope, initiative: Initiative) -> bool:
    """Tell whether an initiative lies in one scope."""
    return getattr(initiative, SCOPE_COLUMNS[scope.level].key) == scope.code


def covers(user: User, initiative: Initiative) -> bool:
    """Tell whether an initiative lies within the user's territories."""
    return is_national(user) or any(scope_matches(s, initiative) for s in user.scopes)


def covers_place(user: User, place: Mapping[str, Any]) -> bool:
    """Tell whether a place (territory fields: insee, departement, region) lies within them."""
    return is_national(user) or any(
        place.get(SCOPE_COLUMNS[s.level].key) == s.code for s in user.scopes)


def scope_condition(user: User) -> sa.ColumnElement[bool]:
    """A condition on Initiative keeping the rows within the user's territories."""
    if is_national(user):
        return sa.true()
    return sa.or_(*(SCOPE_COLUMNS[scope.level] == scope.code for scope in user.scopes))


def check_change(user: User | None, initiative: Initiative | None,
                 values: Mapping[str, Any] | None = None) -> None:
    """Raise OutOfScope unless the user's territories hold the initiative where it is and
    where the clean values put it (values without a place leave it where it is).

    initiative None checks a new initiative; user None acts on all of France.
    """
    if user is None or is_national(user):
        return
    if initiative is not None and not covers(user, initiative):
        raise OutOfScope({"territory": N_("L'initiative n° %(id)d est hors de votre territoire.",
                                          id=initiative.id)})
    if values is None or not PLACE_KEYS & values.keys():
        return
    if not isinstance(values, CleanValues):
        values = CleanValues(values, complete=False)
    place = values.place
    if not covers_place(user, place):
        where = place.get("commune_name") or N_("Ce lieu")
        raise OutOfScope({"insee": N_("%(place)s (%(departement)s) est hors de votre territoire.",
                                      place=where, departement=place.get("departement") or "?")})
