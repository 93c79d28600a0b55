"""An initiative's scope: a point (local) or a whole territory, never an invented pin."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import in_check

SCOPES = ("local", "intercommunal", "departemental", "regional", "national")
# What a file may write as the territory of a national entry (which has no territory code).
NATIONAL_CODES = ("", "FR", "FRA", "FRANCE")
# The territory column each non-local scope is carried by (national: none).
SCOPE_TERRITORY_COLUMNS = {
    "intercommunal": "epci",
    "departemental": "departement",
    "regional": "region",
    "national": None,
}

# A local entry has a point; any other has none, its location precision is "territory" and
# its territory is in the columns of its level: an EPCI (with its département and région when
# all its communes share them), a département and its région, a région, or none (France).
POINT_RULE = (
    "(scope = 'local' AND lon IS NOT NULL AND lat IS NOT NULL) OR "
    "(scope <> 'local' AND lon IS NULL AND lat IS NULL AND insee IS NULL "
    "AND location_precision = 'territory')"
)
TERRITORY_RULE = (
    "(scope <> 'intercommunal' OR epci IS NOT NULL) AND "
    "(scope <> 'departemental' OR (departement IS NOT NULL AND epci IS NULL)) AND "
    "(scope <> 'regional' OR (region IS NOT NULL AND departement IS NULL AND epci IS NULL)) "
    "AND (scope <> 'national' OR (region IS NULL AND departement IS NULL AND epci IS NULL))"
)


class ScopeColumns:
    """The scope of an initiative; its constraints tie it to the point and the territory."""

    scope: Mapped[str] = mapped_column(
        sa.String(20),
        sa.CheckConstraint(in_check("scope", SCOPES), name="scope"),
        sa.CheckConstraint(POINT_RULE, name="scope_point"),
        sa.CheckConstraint(TERRITORY_RULE, name="scope_territory"),
        default="local", server_default="local", index=True)

    @property
    def is_local(self) -> bool:
        """Tell whether the initiative is a point (and not a whole territory)."""
        return self.scope in (None, "local")


def territory_code(initiative: "ScopeColumns", scope: str | None = None) -> str | None:
    """The code of the initiative's territory at a scope's level (its own by default)."""
    column = SCOPE_TERRITORY_COLUMNS.get(scope or initiative.scope)
    return getattr(initiative, column) if column else None


def scope_of(lon: float | None, epci: str | None, departement: str | None,
             region: str | None) -> str:
    """The scope the CHECKs above imply from a row's point and territory columns.

    Lets a feature be built from the columns it reads already, also by the migrations that
    ran before the scope column existed.
    """
    if lon is not None:
        return "local"
    if epci:
        return "intercommunal"
    if departement:
        return "departemental"
    return "regional" if region else "national"
