"""What differs between clean values and an initiative's stored record (corrections, imports)."""

from collections.abc import Mapping
from typing import Any

from app.initiatives.history import jsonable, snapshot
from app.models import Initiative
from app.models.scope import NATIONAL_CODES, territory_code
from app.text import fold

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
    if key == "partners":  # by name and role, as files give them (ids are ours)
        return partner_keys(stored) == partner_keys(new)
    if key == "territory":  # "FR" or "France" names a national entry's absent code
        return national_as_none(stored) == national_as_none(new)
    if key == "sources" and new and not any(flat_source_keys(s) for s in new):
        # A flat file carries the first source's title and URL alone: the same first source
        # keeps the stored list, quotes included.
        return [source_key(s) for s in (stored or [])[:1]] == [source_key(s) for s in new[:1]]
    if key in COORDINATES:
        return stored is not None and new is not None and round(stored, 6) == round(new, 6)
    return (jsonable(stored) or None) == (jsonable(new) or None)


def national_as_none(code: Any) -> str | None:
    text = str(code or "").strip().upper()
    return None if text in NATIONAL_CODES else text


def flat_source_keys(source: Mapping[str, Any]) -> set[str]:
    """The fields of a source beyond the title and URL a flat file gives."""
    return {key for key, value in source.items() if key not in ("title", "url") and value}


def source_key(source: Mapping[str, Any]) -> tuple[str, str]:
    return (source.get("title") or "", source.get("url") or "")


def partner_keys(partners: Any) -> list[tuple[str, str]]:
    return [(fold(p.get("name") or ""), p.get("role") or "") for p in partners or ()
            if isinstance(p, Mapping)]
