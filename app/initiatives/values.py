"""Initiative values checked once and placed once, on their way from a channel to the record.

A form's values are cleaned by its checks, which also find the typed commune; the services
then take them as they are. Imports, the seed and the CLI hand the services raw values,
which are cleaned there: every channel goes through the same rules.
"""

from collections.abc import Iterator, Mapping
from typing import Any

from app.geo.gazetteer import Commune
from app.geo.point_checks import MisplacedPoint
from app.geo.scope_places import UnknownTerritory, scope_place
from app.geo.territory import UnknownCommune, locate, place_of
from app.initiatives.fields import InvalidInitiative, clean, clean_fields, place_errors
from app.text import message_of

PLACE_KEYS = frozenset(("insee", "lon", "lat", "scope", "territory"))


class CleanValues(Mapping[str, Any]):
    """Values clean() returned, with the commune already found for them, if any."""

    def __init__(self, values: Mapping[str, Any], *, complete: bool,
                 commune: Commune | None = None):
        self._values = dict(values)
        self.complete = complete  # cleaned with the required fields checked
        # A commune found for another code is not these values' commune.
        self._commune = commune if commune and commune.insee == self._values.get("insee") \
            else None
        self._place: dict[str, Any] | None = None

    @classmethod
    def check(cls, data: Mapping[str, Any], *, partial: bool = False,
              commune: Commune | None = None) -> "CleanValues":
        """Clean raw values and place them; raise InvalidInitiative with a message per field.

        Placed now, not when written: a point far from its commune is refused with the
        other mistakes of a form or an imported row.
        """
        values = cls(clean(dict(data), partial=partial), complete=not partial, commune=commune)
        # A new territory alone belongs to the scope of the record it changes: placed then.
        territory_alone = partial and "scope" not in values and "territory" in values
        if PLACE_KEYS & values.keys() and not territory_alone:
            values.place  # noqa: B018 (looked up once, kept for writing)
        return values

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    @property
    def place(self) -> dict[str, Any]:
        """The point and territory of these values, looked up once; raise InvalidInitiative."""
        if self._place is None:
            self._place = self._find_place()
        return self._place

    def _find_place(self) -> dict[str, Any]:
        """A local entry's point and territory, or a whole territory's codes and no point."""
        scope = self.get("scope") or "local"
        if scope != "local":
            if errors := place_errors(self._values, {}, partial=True):
                raise InvalidInitiative(errors)
            try:
                return scope_place(scope, self.get("territory"))
            except UnknownTerritory as error:
                raise InvalidInitiative({"territory": message_of(error)}) from None
        lon, lat = self.get("lon"), self.get("lat")
        try:
            place = place_of(self._commune, lon, lat) if self._commune else \
                locate(self.get("insee"), lon, lat)
        except UnknownCommune as error:
            raise InvalidInitiative({"insee": message_of(error)}) from None
        except MisplacedPoint as error:
            raise InvalidInitiative({"location": message_of(error)}) from None
        return {"scope": "local", **place}

    def with_fields(self, **fields: Any) -> "CleanValues":
        """These values and more, each checked by its own rule; the place found is kept."""
        return self._derived({**self._values, **clean_fields(fields)})

    def without(self, *names: str) -> "CleanValues":
        """These values but the named fields; the place found is kept."""
        return self._derived({k: v for k, v in self._values.items() if k not in names})

    def _derived(self, values: dict[str, Any]) -> "CleanValues":
        derived = CleanValues(values, complete=self.complete, commune=self._commune)
        if all(values.get(key) == self._values.get(key) for key in PLACE_KEYS):
            derived._place = self._place
        return derived


def cleaned(data: Mapping[str, Any], *, partial: bool = False) -> CleanValues:
    """data as clean values: as they are when a form's checks cleaned them, else cleaned now."""
    if isinstance(data, CleanValues) and (partial or data.complete):
        return data
    return CleanValues.check(data, partial=partial)
