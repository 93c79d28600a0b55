"""What an initiative's page shows beyond its fields: URL, territory links, JSON-LD, and
the stamp of everything it shows."""

import hashlib
from dataclasses import dataclass

import orjson
import sqlalchemy as sa
from flask import current_app, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app.caching.bounded import app_cache
from app.database import single_read
from app.geo.gazetteer import Commune, GazetteerMissing
from app.geo.territory import current_gazetteer
from app.initiatives.dossiers import DOSSIERS_TEXT
from app.initiatives.fingerprints import THEME_TEXT
from app.initiatives.geojson import PUBLIC_STATUSES
from app.initiatives.lineage import lineage_text
from app.initiatives.stored_features import STORED
from app.models import Initiative, Theme
from app.models.initiative import initiative_themes
from app.web.place_details import opening_specifications
from app.web.scope_labels import territory_name_of
from app.web.urls import page_url

# Per worker: a territory's links, for each locale (a few hundred bytes each).
TERRITORY_LINKS_KEPT = 4096
# schema.org type of each kind, for the JSON-LD of an initiative page.
SCHEMA_TYPES = {
    "initiative": "Project",
    "field_site": "Place",
    "place": "Place",
    "resource": "CreativeWork",
    "organisation": "Organization",
}


@dataclass(frozen=True)
class TerritoryLink:
    level: str
    name: str
    url: str


@dataclass(frozen=True)
class PageStamp:
    """A public initiative's id and name (for its URL), and a digest of what its page shows."""

    id: int
    name: str
    digest: str | None  # None: no stored feature yet, nothing to vouch for the tags
    hours: str | None = None  # its opening hours: what is open changes the page
    # Whether any dossier holds it, whether it has lineage links: most have neither, and
    # their page is then rendered without asking (two to three statements fewer).
    in_dossiers: bool = True
    linked: bool = True


# The row's own fields move updated_at; its stored feature holds its tags' names; the themes'
# labels, colours and order are read beside them, and so are the dossiers holding it and its
# lineage both ways. One
# query, by the primary key.
PAGE_STAMP = sa.select(
    Initiative.id, Initiative.name, Initiative.updated_at, Initiative.published_at, STORED,
    sa.select(sa.func.aggregate_strings(THEME_TEXT, ";"))
    .join(initiative_themes, initiative_themes.c.theme_id == Theme.id)
    .where(initiative_themes.c.initiative_id == Initiative.id)
    .scalar_subquery(),
    DOSSIERS_TEXT,
    lineage_text(),
).where(Initiative.id == sa.bindparam("initiative_id"), Initiative.status.in_(PUBLIC_STATUSES))


def page_stamp(initiative_id: int) -> PageStamp | None:
    """The stamp of a public initiative's page; None when the public may not read it."""
    with single_read() as connection:
        row = connection.execute(PAGE_STAMP, {"initiative_id": initiative_id}).one_or_none()
    if row is None:
        return None
    id_, name, updated_at, published_at, feature, themes, dossiers, lineage = row
    digest = hours = None
    if feature is not None:
        shown = (f"{updated_at}|{published_at}|{themes}|{dossiers}|{lineage}".encode()
                 + bytes(feature))
        digest = hashlib.blake2b(shown, digest_size=16).hexdigest()
        hours = orjson.loads(bytes(feature))["properties"].get("opening_hours")
    return PageStamp(id_, name, digest, hours, in_dossiers=dossiers is not None,
                     linked=lineage is not None)


def gazetteer_commune(insee: str | None) -> Commune | None:
    if not insee:
        return None
    try:
        return current_gazetteer().get(insee)
    except GazetteerMissing:
        return None


def territory_links(initiative: Initiative) -> list[TerritoryLink]:
    """Commune, EPCI, département and région, each linking to its territory page."""
    # Many initiatives share a territory: its links are built once per locale and root.
    places = (initiative.insee, initiative.commune_name, initiative.epci,
              initiative.departement, initiative.region)
    key = (*places, str(get_locale()), request.script_root,
           str(current_app.config["GAZETTEER_PATH"]))
    return list(app_cache("territory_links", TERRITORY_LINKS_KEPT).get_or_build(
        key, lambda: build_territory_links(*places)))


def build_territory_links(insee: str | None, commune_name: str | None, epci: str | None,
                          departement: str | None, region: str | None
                          ) -> tuple[TerritoryLink, ...]:
    commune = gazetteer_commune(insee)
    links = []
    # Without the gazetteer (or with a code it no longer knows) there is no page to link to.
    if insee:
        url = (url_for("public.commune", insee=insee) if commune
               else url_for("public.index", commune=insee))
        links.append(TerritoryLink(_("Commune"), commune_name or insee, url))
    if epci:
        name = commune.epci_name if commune and commune.epci_name else epci
        url = (url_for("public.epci", siren=epci) if commune and commune.epci == epci
               else url_for("public.index", epci=epci))
        links.append(TerritoryLink(_("Intercommunalité"), name, url))
    if departement:
        name = commune.departement_name if commune and commune.departement_name else ""
        links.append(TerritoryLink(_("Département"), f"{name} ({departement})".strip(),
                                   url_for("public.departement", code=departement)))
    if region:
        name = commune.region_name if commune and commune.region_name else region
        links.append(TerritoryLink(_("Région"), name, url_for("public.region", code=region)))
    return tuple(links)


def json_ld(initiative: Initiative) -> dict:
    """The schema.org description of an initiative (rendered with |tojson)."""
    kind = SCHEMA_TYPES.get(initiative.kind, "Thing")
    geo = {"@type": "GeoCoordinates", "latitude": initiative.lat, "longitude": initiative.lon}
    address = {"@type": "PostalAddress", "addressLocality": initiative.commune_name or "",
               "addressCountry": "FR", "streetAddress": initiative.street_address,
               "postalCode": initiative.postcode,
               # A PostalAddress is a ContactPoint: the place's e-mail is valid there.
               "email": (initiative.emails or [None])[0]}
    address = {key: value for key, value in address.items() if value}
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
    reach = {"telephone": initiative.phone,
             "openingHoursSpecification": opening_specifications(initiative.opening_hours)}
    reach = {key: value for key, value in reach.items() if value}
    place = {"@type": "Place", "geo": geo, "address": address, **reach}
    if initiative.lon is None:  # a whole territory: no coordinates, its area by name
        geo = place = {"@type": "AdministrativeArea", "name": territory_name_of(initiative)}
        data["areaServed"] = place
        kind = "" if kind == "Place" else kind
    if kind == "Place":
        data.update(geo=geo, address=address, **reach)
    else:
        data["spatialCoverage" if kind == "CreativeWork" else "location"] = place
    if initiative.website:
        data["sameAs"] = initiative.website
    actor_property = {"Project": "founder", "CreativeWork": "creator"}.get(kind)
    if initiative.actor_name and actor_property:
        data[actor_property] = {"@type": "Organization", "name": initiative.actor_name}
    return {key: value for key, value in data.items() if value not in (None, "", [])}
