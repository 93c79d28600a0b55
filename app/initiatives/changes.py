"""What differs between clean values and an initiative's stored record (corrections, imports)."""

from collections.abc import Mapping
from typing import Any

from app.initiatives.history import jsonable, snapshot
from app.models import Initiative
from app.models.scope import territory_code

COORDINATES = ("lon", "lat")


def changed_values(initiative: Initiative, values: Mapping[str, Any]) -> dict[str, Any]:
    """The values that differ from the stored record, JSON-ready."""
    stored = {**snapshot(initiative), "territory": territory_code(initiative)}
    # No point given (no pin placed) keeps the stored point; the external id names the record.
    values = {key: value for key, value in values.items() if key != "external_id"
              and not (key in COORDINATES and value is None)}
    changes = {key: jsonable(value) for key, value in values.items()
               if not same(key, stored.get(key), value)}
    if set(COORDINATES) & changes.keys():
        # A point is both coordinates.
        changes.update(lon=values.get("lon"), lat=values.get("lat"))
    elif "insee" in changes:
        # A new commune without a new point: the commune's own point, not the old pin.
        changes["location_precision"] = "commune"
    return changes


def same(key: str, stored: Any, new: Any) -> bool:
    """Tell whether a value is the stored one once stored (an empty value is no value)."""
    if key == "themes":
        return set(stored or ()) == set(new or ())
    if key == "tags":
        # Tags are stored lowercased, 60 characters at most.
        return {t.lower()[:60] for t in stored or ()} == {t.lower()[:60] for t in new or ()}
    if key in COORDINATES:
        return stored is not None and new is not None and round(stored, 6) == round(new, 6)
    return (jsonable(stored) or None) == (jsonable(new) or None)
