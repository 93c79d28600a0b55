"""The GeoJSON form of an initiative, shared by the API, the map detail and the exports.

Features are built from plain rows (a lean column query, themes and tags loaded for all the
rows at once), never from ORM objects one by one: the API must serialise 100,000 of them fast.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.sql import Select

from app.extensions import db
from app.filters import FilterError, Filters
from app.geo.scope_places import scope_properties
from app.initiatives.memory import gc_paused
from app.initiatives.paths import initiative_path
from app.initiatives.umap_markup import markdown_to_umap
from app.models import Dossier, DossierEntry, Initiative, InitiativeSource, Tag, Theme
from app.models.initiative import initiative_tags, initiative_themes
from app.models.place_details import PLACE_DETAIL_FIELDS, PLACE_DETAIL_LISTS

COORD_DECIMALS = 6


def raw(column: sa.Column) -> sa.ColumnElement:
    """A date or timestamp column read as the driver gives it (text on SQLite), unparsed."""
    return sa.type_coerce(column, sa.String).label(column.key)


# Dates are read raw: parsing 100,000 timestamps only to print them again is wasted time.
PUBLIC_COLUMNS = (
    Initiative.id, Initiative.name, Initiative.summary, Initiative.description, Initiative.kind,
    Initiative.actor_name, Initiative.actor_type, Initiative.lon, Initiative.lat,
    Initiative.location_precision, Initiative.insee, Initiative.commune_name, Initiative.epci,
    Initiative.departement, Initiative.region, Initiative.website, Initiative.public_contact,
    raw(Initiative.started_on), raw(Initiative.ended_on), Initiative.research_partnership,
    Initiative.source, raw(Initiative.last_verified_on), Initiative.status,
    raw(Initiative.updated_at), Initiative.life_status, Initiative.life_note,
)
# What the migrations older than the life columns read instead of them.
WITHOUT_LIFE = (*PUBLIC_COLUMNS[:-2], sa.literal("active").label("life_status"),
                sa.literal("").label("life_note"))
PUBLIC_STATUSES = ("published", "archived")
IN_LIST_MAX = 500
# The lead actor's id and identifiers, none for an initiative without a lead actor.
NO_ACTOR = {"actor_id": None, "actor_siren": None, "actor_siret": None, "actor_rna": None}


@dataclass(frozen=True)
class ThemeInfo:
    slug: str
    label_fr: str
    label_en: str
    colour: str
    position: int


def load_themes(connection: sa.Connection | None = None) -> dict[int, ThemeInfo]:
    """Every theme by id, in the taxonomy's order."""
    rows = (connection or db.session.connection()).execute(
        sa.select(Theme.id, Theme.slug, Theme.label_fr, Theme.label_en, Theme.colour,
                  Theme.position).order_by(Theme.position, Theme.id)
    ).all()
    return {row[0]: ThemeInfo(*row[1:]) for row in rows}


def check_themes(filters: Filters) -> None:
    """Raise FilterError when the filters name a theme that does not exist."""
    if not filters.themes:
        return
    known = set(db.session.scalars(sa.select(Theme.slug).where(Theme.slug.in_(filters.themes))))
    unknown = [slug for slug in filters.themes if slug not in known]
    if unknown:
        raise FilterError("theme", f"unknown theme {unknown[0][:60]!r}; see /api/v1/themes.")


def load_rows(stmt: Select, connection: sa.Connection | None = None, *,
              with_life: bool = True) -> list[sa.Row]:
    """The public columns of the statement's initiatives, run as Core (no ORM loading step)."""
    connection = connection or db.session.connection()
    columns = PUBLIC_COLUMNS if with_life else WITHOUT_LIFE
    return connection.execute(stmt.with_only_columns(*columns)).all()


def group_by_initiative(stmt: Select, link: sa.Column, ids: list[int],
                        connection: sa.Connection | None = None) -> dict[int, list]:
    """Run a (initiative_id, value) query for the given initiatives and group its values.

    Few ids go in an IN list; many go as their id range, filtered here, so the query stays
    one short statement whatever the number of rows.
    """
    if not ids:
        return {}
    if len(ids) <= IN_LIST_MAX:
        stmt = stmt.where(link.in_(ids))
    else:
        stmt = stmt.where(link.between(min(ids), max(ids)))
    wanted = set(ids)
    linked: dict[int, list] = defaultdict(list)
    for initiative_id, value in (connection or db.session.connection()).execute(stmt):
        if initiative_id in wanted:
            linked[initiative_id].append(value)
    return linked


def theme_ids_by_initiative(ids: list[int], themes: dict[int, ThemeInfo],
                            connection: sa.Connection | None = None) -> dict[int, list]:
    """The theme ids of each initiative, in the taxonomy's order."""
    order = {theme_id: index for index, theme_id in enumerate(themes)}
    link = initiative_themes.c.initiative_id
    stmt = sa.select(link, initiative_themes.c.theme_id)
    linked = group_by_initiative(stmt, link, ids, connection)
    return {key: sorted(value, key=order.__getitem__) for key, value in linked.items()}


def tags_by_initiative(ids: list[int],
                       connection: sa.Connection | None = None) -> dict[int, list]:
    """The tag names of each initiative, sorted."""
    link = initiative_tags.c.initiative_id
    stmt = sa.select(link, Tag.name).join(Tag, Tag.id == initiative_tags.c.tag_id)
    linked = group_by_initiative(stmt, link, ids, connection)
    return {key: sorted(value) for key, value in linked.items()}


SOURCE_COLUMNS = (InitiativeSource.title, InitiativeSource.url,
                  raw(InitiativeSource.published_on), InitiativeSource.quote,
                  InitiativeSource.locator)


def sources_by_initiative(ids: list[int],
                          connection: sa.Connection | None = None) -> dict[int, list]:
    """The sources of each initiative, in their order, as the API gives them."""
    link = InitiativeSource.initiative_id
    stmt = sa.select(link, json_object(SOURCE_COLUMNS, connection)).order_by(
        link, InitiativeSource.position)
    return group_by_initiative(stmt, link, ids, connection)


def json_object(columns, connection: sa.Connection | None = None) -> sa.ColumnElement:
    """A JSON object of these columns, by their keys, built by the database."""
    value = sa.func.json_object if (connection or db.session.connection()).dialect.name == \
        "sqlite" else sa.func.json_build_object
    return sa.type_coerce(value(*(part for column in columns
                                  for part in (sa.literal(column.key), column))), sa.JSON)


def dossiers_by_initiative(ids: list[int],
                           connection: sa.Connection | None = None) -> dict[int, list]:
    """The slugs of the dossiers each initiative is in, in the dossiers' order."""
    link = DossierEntry.initiative_id
    stmt = sa.select(link, Dossier.slug).join(Dossier, Dossier.id == DossierEntry.dossier_id) \
        .order_by(link, Dossier.position, Dossier.slug)
    return group_by_initiative(stmt, link, ids, connection)


DETAIL_COLUMNS = tuple(getattr(Initiative, name) for name in PLACE_DETAIL_FIELDS)
# Lists are empty, never null, so a re-user can iterate them without a check.
EMPTY_DETAILS = {name: [] if name in PLACE_DETAIL_LISTS else None for name in PLACE_DETAIL_FIELDS}


def details_by_initiative(ids: list[int],
                          connection: sa.Connection | None = None) -> dict[int, dict]:
    """The place details of each initiative, as the API gives them (one row each, so
    grouped by id like the tags: few ids as a list, many as their range)."""
    if not ids:
        return {}
    stmt = sa.select(Initiative.id, *DETAIL_COLUMNS)
    stmt = stmt.where(Initiative.id.in_(ids)) if len(ids) <= IN_LIST_MAX else \
        stmt.where(Initiative.id.between(min(ids), max(ids)))
    wanted = set(ids)
    return {row[0]: detail_properties(row[1:])
            for row in (connection or db.session.connection()).execute(stmt)
            if row[0] in wanted}


def detail_properties(values) -> dict:
    """The details' properties from their column values, in PLACE_DETAIL_FIELDS order."""
    return {name: value or EMPTY_DETAILS[name]
            for name, value in zip(PLACE_DETAIL_FIELDS, values, strict=True)}


@dataclass
class PublicRecords:
    """Rows of public initiatives with their themes, tags and sources, ready to become
    features."""

    rows: list
    themes: dict[int, ThemeInfo]
    theme_ids: dict[int, list]
    tags: dict[int, list]
    sources: dict[int, list]
    # The lead actor's id and identifiers, and the partners (app.initiatives.actor_features).
    actors: dict[int, dict] = field(default_factory=dict)
    partners: dict[int, list] = field(default_factory=dict)
    details: dict[int, dict] = field(default_factory=dict)
    dossiers: dict[int, list] = field(default_factory=dict)

    def themes_of(self, initiative_id: int) -> list[ThemeInfo]:
        return [self.themes[theme_id] for theme_id in self.theme_ids.get(initiative_id, ())]


def public_records(stmt: Select, connection: sa.Connection | None = None, *,
                   with_sources: bool = True, with_actors: bool = True,
                   with_details: bool = True, with_life: bool = True,
                   with_dossiers: bool = True) -> PublicRecords:
    """Load the statement's initiatives in eight queries: rows, theme links, tags, sources,
    lead actors, partners, place details, dossiers.

    Without sources, actors, details, life status or dossiers only for the migrations that
    ran before they existed.
    """
    from app.initiatives.actor_features import lead_actors, partners  # they build on this

    with gc_paused():
        rows = load_rows(stmt, connection, with_life=with_life)
        ids = [row[0] for row in rows]
        themes = load_themes(connection)
        return PublicRecords(rows, themes, theme_ids_by_initiative(ids, themes, connection),
                             tags_by_initiative(ids, connection),
                             sources_by_initiative(ids, connection) if with_sources else {},
                             lead_actors(ids, connection) if with_actors else {},
                             partners(ids, connection) if with_actors else {},
                             details_by_initiative(ids, connection) if with_details else {},
                             dossiers_by_initiative(ids, connection) if with_dossiers else {})


def iso(value: str | date | None) -> str | None:
    """A date as ISO 8601, from the database's text (SQLite) or date object."""
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()


def iso_utc(value: str | datetime | None) -> str | None:
    """A stored timestamp (naive UTC) as RFC 3339 with microseconds, on every dialect."""
    if value is None:
        return None
    if isinstance(value, str):  # SQLite: "2026-08-05 16:46:00.000000"
        return value.replace(" ", "T", 1) + "+00:00"
    return value.replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def feature(row, themes: list[ThemeInfo], tags: list[str], site: str,
            sources: list[dict] = (), actor: dict | None = None,
            partners: list[dict] = (), details: dict | None = None,
            dossiers: list[str] = ()) -> dict:
    """The GeoJSON Feature of one public initiative row (the API's contract).

    site is the absolute root of our pages, without its trailing slash. The row is unpacked
    in PUBLIC_COLUMNS order (faster than attribute access on 100,000 rows).
    """
    (id_, name, summary, description, kind, actor_name, actor_type, lon, lat, precision,
     insee, commune, epci, departement, region, website, contact, started_on, ended_on,
     research, source, verified_on, status, updated_at, life_status, life_note) = row
    return {
        "type": "Feature",
        "id": id_,
        # A whole territory has no point: a null geometry (RFC 7946, 3.2), never a fake pin.
        "geometry": None if lon is None or lat is None else {
            "type": "Point", "coordinates": [round(lon, COORD_DECIMALS),
                                             round(lat, COORD_DECIMALS)]},
        "properties": {
            "uid": id_, "name": name, "description": markdown_to_umap(description),
            "summary": summary or "", "kind": kind,
            "themes": [theme.slug for theme in themes], "tags": tags,
            "actor_name": actor_name or "", "actor_type": actor_type,
            **(actor or NO_ACTOR), "partners": list(partners), "commune": commune,
            "insee": insee, "epci": epci, "departement": departement, "region": region,
            **scope_properties(lon, epci, departement, region),
            "location_precision": precision, "website": website, "public_contact": contact,
            "started_on": iso(started_on), "ended_on": iso(ended_on),
            "research_partnership": research, "source": source or "",
            "sources": list(sources),
            "last_verified_on": iso(verified_on), "status": status,
            "life_status": life_status, "life_note": life_note or "",
            "dossiers": list(dossiers),
            "url": site + initiative_path(id_, name), "updated_at": iso_utc(updated_at),
            **(details or EMPTY_DETAILS),
        },
    }


def features(records: PublicRecords, base_url: str) -> list[dict]:
    """The features of loaded records, in their order."""
    site = base_url.rstrip("/")
    with gc_paused():
        return [
            feature(row, records.themes_of(row[0]), records.tags.get(row[0], []), site,
                    records.sources.get(row[0], ()), records.actors.get(row[0]),
                    records.partners.get(row[0], ()), records.details.get(row[0]),
                    records.dossiers.get(row[0], ()))
            for row in records.rows
        ]


def feature_collection(features_: list[dict], **members) -> dict:
    """An RFC 7946 FeatureCollection, with optional foreign members (links, counts)."""
    return {"type": "FeatureCollection", **members, "features": features_}


def public_statement() -> Select:
    """Every public initiative (published or archived), by id."""
    return sa.select(Initiative).where(Initiative.status.in_(PUBLIC_STATUSES)).order_by(
        Initiative.id)


def site_root(fallback: str) -> str:
    """The root of our public pages: PUBLIC_URL when configured, else the fallback."""
    return (current_app.config.get("PUBLIC_URL") or fallback).rstrip("/")
