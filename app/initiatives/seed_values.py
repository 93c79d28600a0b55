"""A seed feature's properties as initiative values: the corpus v2 format (seed_spec) or v1.

Partial dates: the texts date some items only to the year or the month ("2008", "2020-03").
A date field holds a day, and a first of January would state a day the texts do not give;
so only full dates go into started_on/ended_on, and a partial one is said in words at the
end of the description ("Début : mars 2020."), unless the description already names it.
"""

from datetime import date
from typing import Any

from app.initiatives.fields import CHOICES

SEED_PREFIX = "seed:"
# Properties taken as they are (the same name and meaning in the corpus and the model).
# Given whole, None included: a reloaded entry loses what the texts no longer support.
PLAIN = ("name", "summary", "description", "kind", "actor_type", "website",
         "research_partnership")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


def seed_values(feature: dict) -> dict[str, Any]:
    """Turn a seed GeoJSON feature into initiative field values."""
    properties = feature["properties"]
    if "categories" not in properties:
        return v1_values(feature)
    values = {key: properties.get(key) for key in PLAIN}
    values.update(external_id=SEED_PREFIX + properties["seed_id"],
                  actor_name=properties.get("actor_name") or "",
                  themes=list(properties["categories"]), sources=properties["sources"],
                  last_verified_on=first_dated(properties["sources"]))
    values.update(place_values(feature))
    values.update(period_values(properties, values.get("description", "")))
    if properties.get("partners") and accepts("partners"):
        values["partners"] = properties["partners"]
    return values


def v1_values(feature: dict) -> dict[str, Any]:
    """The first seed's feature: a point, and its document named in free text."""
    properties = dict(feature["properties"])
    lon, lat = feature["geometry"]["coordinates"][:2]
    seed_id = properties.pop("seed_id")
    if properties.get("source") and not properties.get("sources"):
        properties["sources"] = [{"title": properties.pop("source")}]
    return {**properties, "lon": lon, "lat": lat, "external_id": SEED_PREFIX + seed_id}


def place_values(feature: dict) -> dict[str, Any]:
    """A local entry's point; a whole territory's scope and code, without any point."""
    properties = feature["properties"]
    if properties["scope"] == "local":
        lon, lat = feature["geometry"]["coordinates"][:2]
        values = {"lon": lon, "lat": lat, "insee": properties["insee"],
                  "location_precision": properties["location_precision"]}
        return {**values, "scope": "local"} if accepts("scope") else values
    return {"scope": properties["scope"], "territory": properties["territory"]}


def is_local(feature: dict) -> bool:
    """Tell whether a seed feature is a point (v1 features all are)."""
    return feature["properties"].get("scope", "local") == "local"


def accepts(field: str) -> bool:
    """Tell whether the initiatives have this field yet (partners, scope: other changes)."""
    from app.initiatives.fields import clean_field

    try:
        clean_field(field, CHOICES[field][0] if field in CHOICES else [])
    except ValueError:
        return False
    return True


def first_dated(sources: list[dict]) -> str | None:
    """The date of the first source that has one: when its facts were last stated."""
    return next((source["published_on"] for source in sources if source.get("published_on")),
                None)


def period_values(properties: dict, description: str) -> dict[str, Any]:
    """started_on/ended_on when the texts give the day; else a sentence saying what they give."""
    values, said = {}, []
    for field, word in (("started_on", "Début"), ("ended_on", "Fin")):
        given = properties.get(field)
        values[field] = given if given and len(given) == 10 else None
        if given and len(given) < 10 and in_words(given) not in description:
            said.append(f"{word} : {in_words(given)}.")
    if said:
        values["description"] = "\n\n".join(filter(None, [description, " ".join(said)]))
    return values


def in_words(partial: str) -> str:
    """A year or a month as the French text says it: "2008", "mars 2020"."""
    if len(partial) == 4:
        return partial
    month = date.fromisoformat(partial + "-01")
    return f"{MONTHS[month.month - 1]} {month.year}"
