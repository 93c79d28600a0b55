"""Each public initiative's GeoJSON feature, serialised once when it is written.

A collection is then the stored bytes joined, not 1,000 features built in Python per request.
The feature is stored with its `url` relative ("/initiatives/12-name"); the site root goes in
once per response (`with_site`), so PUBLIC_URL and the request's host still decide it. A row
that is not public stores NULL, so an unpublished initiative cannot leak through it.

Every write of an initiative goes through the ORM session, whatever the channel (form,
moderation, change set, import, seed, CLI): the session's flushes say which initiatives and
themes changed, and their features are rebuilt just before the commit, in its transaction.
A row written around the session (a bulk insert) keeps NULL until `refresh_features` runs;
readers build those on the fly (`features_of`), so a missing feature is slow, never wrong.
"""

import warnings
from collections.abc import Iterable, Iterator
from datetime import datetime

import orjson
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from app.database import single_read
from app.extensions import db
from app.initiatives import geojson
from app.initiatives.lineage import has_links
from app.models import (
    Actor,
    DossierEntry,
    Initiative,
    InitiativePartner,
    InitiativeSource,
    Theme,
)
from app.models.initiative import initiative_themes

STALE_KEY = "maillage_stale_features"
BATCH = 500
RELATIVE_URL = b'"url":"/initiatives/'
initiatives_table = Initiative.__table__


def build_features(connection: sa.Connection, ids: list[int], *,
                   with_sources: bool = True, with_actors: bool = True,
                   with_details: bool = True, with_life: bool = True,
                   with_dossiers: bool = True) -> dict[int, bytes]:
    """The serialised features of those initiatives that are public, by id."""
    stmt = geojson.public_statement().where(Initiative.id.in_(ids))
    return serialised(geojson.public_records(stmt, connection, with_sources=with_sources,
                                             with_actors=with_actors,
                                             with_details=with_details, with_life=with_life,
                                             with_dossiers=with_dossiers))


def serialised(records: geojson.PublicRecords) -> dict[int, bytes]:
    """The records' features with relative urls, serialised, by id."""
    return {feature["id"]: orjson.dumps(feature) for feature in geojson.features(records, "")}


def refresh_features(connection: sa.Connection, ids: Iterable[int], *,
                     with_sources: bool | None = None,
                     with_details: bool | None = None) -> None:
    """Store the current feature of each initiative (NULL when it is not public).

    Migrations older than the sources' or the actors' tables call it too: they build
    features without them (the later migrations build them all again), told by the schema;
    likewise those older than the place details' columns.
    """
    with_actors = with_life = with_dossiers = True
    if with_sources is None:
        with_sources = sa.inspect(connection).has_table(InitiativeSource.__tablename__)
        with_actors = sa.inspect(connection).has_table(Actor.__tablename__)
        with_dossiers = sa.inspect(connection).has_table(DossierEntry.__tablename__)
        with_life = "life_status" in {column["name"] for column in
                                      sa.inspect(connection).get_columns("initiatives")}
    if with_details is None:
        with_details = has_place_details(connection)
    ordered = sorted(set(ids))
    update = (
        initiatives_table.update()
        .where(initiatives_table.c.id == sa.bindparam("initiative_id"))
        # Given, so the column's onupdate does not move updated_at: the data did not change.
        .values(public_feature=sa.bindparam("feature"),
                updated_at=initiatives_table.c.updated_at)
    )
    for start in range(0, len(ordered), BATCH):
        batch = ordered[start:start + BATCH]
        built = build_features(connection, batch, with_sources=with_sources,
                               with_actors=with_actors, with_details=with_details,
                               with_life=with_life, with_dossiers=with_dossiers)
        connection.execute(update, [{"initiative_id": initiative_id,
                                     "feature": built.get(initiative_id)}
                                    for initiative_id in batch])


def has_place_details(connection: sa.Connection) -> bool:
    """Whether the database has the place details' columns yet (migrations run before)."""
    with warnings.catch_warnings():  # PostGIS's geometry type is unknown to reflection
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        columns = sa.inspect(connection).get_columns(initiatives_table.name)
    return any(column["name"] == "opening_hours" for column in columns)


def refresh_all(connection: sa.Connection) -> None:
    """Store the feature of every initiative (the backfill, and after bulk loads)."""
    ids = connection.scalars(sa.select(initiatives_table.c.id)).all()
    refresh_features(connection, ids)


# Read as the driver gives it (bytes on both dialects): no per-row type processing.
STORED = sa.type_coerce(Initiative.public_feature, sa.types.NullType).label("feature")


def features_of(stmt: Select) -> list[tuple[int, bytes]]:
    """The id and stored feature of the statement's initiatives, in its order.

    A feature not stored yet is built now (from the rows, so only public ones ever are).
    """
    rows = db.session.connection().execute(stmt.with_only_columns(Initiative.id, STORED)).all()
    return completed(stmt, rows)


def completed(stmt: Select, rows) -> list[tuple[int, bytes]]:
    """The rows' (id, stored feature), the features not stored yet built now."""
    missing = [initiative_id for initiative_id, stored in rows if stored is None]
    built = missing_features(stmt, missing) if missing else {}
    return [(initiative_id, bytes(stored) if stored is not None else built[initiative_id])
            for initiative_id, stored in rows if stored is not None or initiative_id in built]


def feature_batches(stmt: Select, size: int = BATCH) -> Iterator[list[bytes]]:
    """The stored features of the statement's initiatives, `size` at a time, in its order.

    The rows come from one cursor (a server-side one on PostgreSQL), so a page is never
    wholly in memory. The statement runs now: its errors are raised here, not mid-stream.
    """
    connection, selected = db.session.connection(), stmt.with_only_columns(Initiative.id, STORED)
    if connection.dialect.name == "postgresql":
        partitions = binary_partitions(connection, selected, size)
    else:
        partitions = connection.execute(
            selected, execution_options={"yield_per": size}).partitions(size)
    return ([feature for _, feature in completed(stmt, rows)] for rows in partitions)


def binary_partitions(connection: sa.Connection, stmt: Select, size: int) -> Iterator[list]:
    """The rows of a server-side cursor in PostgreSQL's binary format, `size` at a time.

    In the text format a bytea arrives as hex, twice its size, to be decoded again: on a
    page of 15 MB of features the binary format takes about a third less time (psycopg's
    option, which SQLAlchemy does not pass on). The cursor ends with the transaction.
    """
    compiled = stmt.compile(dialect=connection.dialect,
                            compile_kwargs={"render_postcompile": True})
    cursor = connection.connection.driver_connection.cursor(name="stored_features",
                                                            binary=True)
    cursor.execute(str(compiled), compiled.params)

    def partitions() -> Iterator[list]:
        with cursor:
            while rows := cursor.fetchmany(size):
                yield rows
    return partitions()


# Built once: the statement of the single-feature endpoint, answered by the primary key,
# with whether the initiative has lineage links (most have none: no query for them).
ONE_FEATURE = sa.select(Initiative.public_feature, Initiative.updated_at,
                        has_links().label("linked")).where(
    Initiative.id == sa.bindparam("initiative_id"),
    Initiative.status.in_(geojson.PUBLIC_STATUSES))


def feature_of(initiative_id: int) -> tuple[bytes, datetime, bool] | None:
    """The stored feature of a public initiative, its last change and whether it has lineage
    links; None when not public."""
    with single_read() as connection:
        row = connection.execute(ONE_FEATURE, {"initiative_id": initiative_id}).one_or_none()
    if row is None:
        return None
    stored, updated_at, linked = row
    if stored is None:
        stmt = geojson.public_statement().where(Initiative.id == initiative_id)
        stored = missing_features(stmt, [initiative_id])[initiative_id]
    return bytes(stored), updated_at, bool(linked)


def missing_features(stmt: Select, ids: list[int]) -> dict[int, bytes]:
    """Features built now, for rows of the statement whose feature is not stored."""
    return serialised(geojson.public_records(stmt.where(Initiative.id.in_(ids)).limit(None)))


def with_site(body: bytes, site: str) -> bytes:
    """Make the stored relative `url` members absolute (site: the root, no trailing slash).

    Only a member name can be preceded by an unescaped quote: inside a JSON string a quote
    is written \\", so a name or a description cannot fake the pattern.
    """
    absolute = b'"url":' + orjson.dumps(site)[:-1] + b'/initiatives/'
    return body.replace(RELATIVE_URL, absolute)


def collection_bytes(features: list[bytes], **members) -> bytes:
    """A FeatureCollection whose features are already serialised (see feature_collection)."""
    head = collection_head(**members)
    if not features:
        return head
    # The head and tail go on the first and last feature: the big join copies the rest once.
    parts = list(features)
    parts[0] = head[:-2] + parts[0]
    parts[-1] = parts[-1] + head[-2:]
    return b",".join(parts)


def collection_head(**members) -> bytes:
    """An empty FeatureCollection with these members: `{..."features":[]}`."""
    return orjson.dumps(geojson.feature_collection([], **members))


def collection_chunks(batches: Iterable[list[bytes]], site: str, **members) -> Iterator[bytes]:
    """The bytes of collection_bytes(features, **members) passed through with_site, by batch."""
    head = collection_head(**members)
    yield head[:-2]
    separator = b""
    for features in batches:
        if features:
            yield with_site(separator + b",".join(features), site)
            separator = b","
    yield head[-2:]


# Tracking of the session's writes.

def note_changes(session: Session, _flush_context) -> None:
    """After each flush, remember the initiatives (their sources too) and themes it wrote."""
    stale = session.info.setdefault(STALE_KEY, {"initiatives": set(), "themes": set()})
    for instance in (*session.new, *session.dirty):
        if isinstance(instance, Initiative) and instance.id is not None:
            stale["initiatives"].add(instance.id)
        elif isinstance(instance, Theme) and instance.id is not None:
            stale["themes"].add(instance.id)
        elif isinstance(instance, InitiativeSource | InitiativePartner | DossierEntry) and \
                instance.initiative_id is not None:
            stale["initiatives"].add(instance.initiative_id)
        elif isinstance(instance, Actor) and instance.id is not None:
            stale.setdefault("actors", set()).add(instance.id)


def mark_stale(session: Session, initiative_ids: Iterable[int]) -> None:
    """Have these initiatives' features rebuilt at commit: for links the flushes cannot tell,
    such as a dossier's entries replaced or deleted with it."""
    stale = session.info.setdefault(STALE_KEY, {"initiatives": set(), "themes": set()})
    stale["initiatives"].update(initiative_ids)


def store_before_commit(session: Session) -> None:
    """Rebuild the features of what this transaction wrote, inside it."""
    if not session.info.get(STALE_KEY):
        return
    session.flush()
    stale = session.info.pop(STALE_KEY, None) or {}
    ids = set(stale.get("initiatives", ()))
    connection = session.connection()
    if stale.get("themes"):
        ids.update(connection.scalars(sa.select(initiative_themes.c.initiative_id).where(
            initiative_themes.c.theme_id.in_(stale["themes"]))))
    if stale.get("actors"):
        ids.update(connection.scalars(sa.select(initiatives_table.c.id).where(
            initiatives_table.c.lead_actor_id.in_(stale["actors"]))))
    if ids:
        refresh_features(connection, ids, with_sources=True, with_details=True)


def forget_changes(session: Session, *_args) -> None:
    session.info.pop(STALE_KEY, None)


def track_session_writes(session_factory) -> None:
    """Keep the stored features current on every commit of sessions from this factory."""
    for name, listener in (("after_flush", note_changes),
                           ("before_commit", store_before_commit),
                           ("after_rollback", forget_changes)):
        if not sa.event.contains(session_factory, name, listener):
            sa.event.listen(session_factory, name, listener)
