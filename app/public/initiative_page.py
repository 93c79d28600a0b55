"""What an initiative's page shows beyond its fields: slug, territory links, JSON-LD."""

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _

from app.geo.gazetteer import Commune, GazetteerMissing
from app.geo.territory import current_gazetteer
from app.models import Initiative
from app.public.labels import SCHEMA_TYPES
from app.text import fold

SLUG_LENGTH = 80


@dataclass(frozen=True)
class TerritoryLink:
    level: str
    name: str
    url: str


def slugify(name: str) -> str:
    """The URL slug of a name: folded words joined by hyphens."""
    words = fold(name)
    if len(words) > SLUG_LENGTH:
        words = words[:SLUG_LENGTH].rsplit(" ", 1)[0]
    return words.replace(" ", "-") or "initiative"


def page_url(initiative: Initiative, **kwargs) -> str:
    """The canonical URL of an initiative's page."""
    return url_for("public.initiative", initiative_id=initiative.id,
                   slug=slugify(initiative.name), **kwargs)


def gazetteer_commune(insee: str | None) -> Commune | None:
    if not insee:
        return None
    try:
        return current_gazetteer().get(insee)
    except GazetteerMissing:
        return None


def territory_links(initiative: Initiative) -> list[TerritoryLink]:
    """Commune, EPCI, département and région, each linking to its filtered view."""
    commune = gazetteer_commune(initiative.insee)
    links = []
    if initiative.insee:
        links.append(TerritoryLink(_("Commune"), initiative.commune_name or initiative.insee,
                                   url_for("public.index", commune=initiative.insee)))
    if initiative.epci:
        name = commune.epci_name if commune and commune.epci_name else initiative.epci
        links.append(TerritoryLink(_("Intercommunalité"), name,
                                   url_for("public.index", epci=initiative.epci)))
    if initiative.departement:
        name = commune.departement_name if commune and commune.departement_name else ""
        links.append(TerritoryLink(_("Département"), f"{name} ({initiative.departement})".strip(),
                                   url_for("public.departement", code=initiative.departement)))
    if initiative.region:
        name = commune.region_name if commune and commune.region_name else initiative.region
        links.append(TerritoryLink(_("Région"), name,
                                   url_for("public.region", code=initiative.region)))
    return links


def json_ld(initiative: Initiative) -> dict:
    """The schema.org description of an initiative (rendered with |tojson)."""
    kind = SCHEMA_TYPES.get(initiative.kind, "Thing")
    geo = {"@type": "GeoCoordinates", "latitude": initiative.lat, "longitude": initiative.lon}
    address = {"@type": "PostalAddress", "addressLocality": initiative.commune_name or "",
               "addressCountry": "FR"}
    data = {
        "@context": "https://schema.org",
        "@type": kind,
        "@id": page_url(initiative, _external=True),
        "url": page_url(initiative, _external=True),
        "name": initiative.name,
        "description": initiative.summary or "",
        "keywords": [theme.label_fr for theme in initiative.themes],
        "dateModified": initiative.updated_at.isoformat() if initiative.updated_at else None,
    }
    place = {"@type": "Place", "geo": geo, "address": address}
    if kind == "Place":
        data.update(geo=geo, address=address)
    else:
        data["spatialCoverage" if kind == "CreativeWork" else "location"] = place
    if initiative.website:
        data["sameAs"] = initiative.website
    actor_property = {"Project": "founder", "CreativeWork": "creator"}.get(kind)
    if initiative.actor_name and actor_property:
        data[actor_property] = {"@type": "Organization", "name": initiative.actor_name}
    return {key: value for key, value in data.items() if value not in (None, "", [])}
