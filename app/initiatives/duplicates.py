"""Possible duplicates: initiatives nearby with a similar name, or with the same website."""

from bisect import bisect_left, bisect_right
from difflib import SequenceMatcher
from urllib.parse import urlsplit

import orjson
import sqlalchemy as sa
from rapidfuzz.distance import LCSseq
from sqlalchemy.dialects.postgresql import JSONB

from app.extensions import db
from app.geo.distances import box_around as geo_box_around
from app.geo.distances import distance_m
from app.geo.spatial import bbox_clause
from app.models import Initiative
from app.text import fold

RADIUS_M = 1_000
SIMILARITY = 0.75


def find_duplicates(
    name: str,
    lon: float | None,
    lat: float | None,
    website: str | None = None,
    *,
    exclude_id: int | None = None,
    statuses: tuple[str, ...] = ("pending", "published"),
) -> list[Initiative]:
    """Return initiatives within 1 km with a similar name, or with the same website."""
    found: dict[int, Initiative] = {}
    if lon is not None and lat is not None:
        for candidate in nearby(lon, lat, statuses):
            if similar(name, candidate.name):
                found[candidate.id] = candidate
    site = website_key(website)
    if site:
        for candidate in db.session.scalars(sa.select(Initiative).where(same_host([site]))):
            if candidate.status in statuses and website_key(candidate.website) == site:
                found[candidate.id] = candidate
    found.pop(exclude_id, None)
    return sorted(found.values(), key=lambda initiative: initiative.id)


def with_duplicates(initiatives: list[Initiative],
                    statuses: tuple[str, ...] = ("pending", "published")) -> set[int]:
    """The ids of those initiatives that have a possible duplicate, found with one query.

    The same rules as find_duplicates(), for a page of initiatives at once (the queue).
    """
    conditions = []
    boxes = [bbox_clause(box_around(i.lon, i.lat)) for i in initiatives
             if i.lon is not None and i.lat is not None]
    if boxes:
        conditions.append(sa.or_(*boxes))
    sites = [site for i in initiatives if (site := website_key(i.website))]
    if sites:
        conditions.append(same_host(sites))
    if not conditions:
        return set()
    # One statement, a part per index: one OR of the places and the websites would scan,
    # and so would SQLite to test the status in SQL (it prefers the status index).
    columns = (Initiative.id, Initiative.name, Initiative.lon, Initiative.lat, Initiative.website,
               Initiative.status)
    rows = db.session.execute(sa.union_all(*(
        sa.select(*columns).where(condition) for condition in conditions))).all()
    candidates = Candidates([row for row in rows if row.status in statuses])
    return {initiative.id for initiative in initiatives if candidates.any_alike(initiative)}


def same_host(sites: list[str]) -> sa.ColumnElement[bool]:
    """A condition keeping the initiatives whose website starts as one of these website
    keys, answered by the index of the lower-cased website (the exact key is compared in
    Python). A website is an http or https URL (fields.check_web_url), so its lower-cased
    form starts with the scheme, maybe www., then the key (host and path): the whole key,
    not the host alone, so a site hosting thousands of pages is not read whole."""
    website = indexed_website()
    return sa.or_(*(sa.and_(website >= low, website < high) for low, high in site_ranges(sites)))


def indexed_website() -> sa.ColumnElement[str]:
    """The lower-cased website, as its index holds it."""
    website = sa.func.lower(Initiative.website)
    if db.engine.dialect.name == "postgresql":
        website = website.collate("C")  # as indexed: compared byte by byte
    return website


def site_ranges(sites: list[str]) -> list[tuple[str, str]]:
    """The ranges of lower-cased websites that may have one of these website keys.

    A website has the key K when it is a scheme, maybe www., K, then nothing, slashes, or
    a query or a fragment: it sorts from "…K" to before "…K0" ("#", "/" and the rest of
    the punctuation sort before "0") or from "…K?" to before "…K@". So "…/1" does not read
    "…/10" to "…/19999", and a host does not read the longer hosts starting as it does.
    """
    prefixes = sorted({f"{scheme}://{www}{site}" for site in sites
                       for scheme in ("http", "https") for www in ("", "www.")})
    return [bounds for prefix in prefixes
            for bounds in ((prefix, f"{prefix}0"), (f"{prefix}?", f"{prefix}@"))]


def with_websites(sites: list[str], *columns) -> sa.Select:
    """same_host() for many keys as one statement whose SQL is the same for any number of
    them (the ranges are one JSON parameter), each range through the website index."""
    ranges = orjson.dumps([{"low": low, "high": high} for low, high in site_ranges(sites)]).decode()
    website = indexed_website()
    if db.engine.dialect.name == "postgresql":
        bound = sa.func.jsonb_to_recordset(sa.cast(sa.bindparam("ranges"), JSONB)).table_valued(
            sa.column("low", sa.Text), sa.column("high", sa.Text)).render_derived(
            "site", with_types=True)
        # A range per row of a lateral subquery that OFFSET 0 keeps apart: joined to the
        # ranges, PostgreSQL guesses a third of the table per range and scans it all (78 s
        # for a batch of 200 rows at a million initiatives); alone, it reads each through
        # the index (a few milliseconds).
        found = (sa.select(*columns)
                 .where(website >= bound.c.low.collate("C"), website < bound.c.high.collate("C"))
                 .offset(0).lateral("found"))
        return (sa.select(*found.c).select_from(bound).join(found, sa.true())
                .distinct().params(ranges=ranges))
    bound = sa.func.json_each(sa.bindparam("ranges")).table_valued("value").alias("site")
    low, high = (sa.func.json_extract(bound.c.value, f"$.{edge}") for edge in ("low", "high"))
    return (sa.select(*columns).select_from(bound)
            .join(Initiative, sa.and_(website >= low, website < high))
            .distinct().params(ranges=ranges))


class Candidates:
    """Rows that may be duplicates, by website key and by latitude: each initiative is
    compared with those near it only, not with every row the page's query found."""

    def __init__(self, rows: list):
        self.by_site: dict[str, set[int]] = {}
        for row in rows:
            if site := website_key(row.website):
                self.by_site.setdefault(site, set()).add(row.id)
        self.placed = sorted((row for row in rows if row.lon is not None and row.lat is not None),
                             key=lambda row: row.lat)
        self.lats = [row.lat for row in self.placed]

    def any_alike(self, initiative: Initiative) -> bool:
        """Same website, or within RADIUS_M with a similar name (find_duplicates' rules)."""
        site = website_key(initiative.website)
        if site and self.by_site.get(site, set()) - {initiative.id}:
            return True
        if initiative.lon is None or initiative.lat is None:
            return False
        minlon, minlat, maxlon, maxlat = box_around(initiative.lon, initiative.lat)
        band = self.placed[bisect_left(self.lats, minlat):bisect_right(self.lats, maxlat)]
        return any(other.id != initiative.id and minlon <= other.lon <= maxlon
                   and distance_m(initiative.lon, initiative.lat, other.lon, other.lat) <= RADIUS_M
                   and similar(initiative.name, other.name) for other in band)


def box_around(lon: float, lat: float) -> tuple[float, float, float, float]:
    """The box holding every point within RADIUS_M of a point."""
    return geo_box_around(lon, lat, RADIUS_M)


def nearby(lon: float, lat: float, statuses: tuple[str, ...]) -> list[Initiative]:
    """Initiatives within RADIUS_M of a point (a box through the index, then the distance)."""
    stmt = sa.select(Initiative).where(bbox_clause(box_around(lon, lat)),
                                       Initiative.status.in_(statuses))
    return [i for i in db.session.scalars(stmt) if distance_m(lon, lat, i.lon, i.lat) <= RADIUS_M]


def similar(a: str, b: str) -> bool:
    """Tell whether two names are alike once accents, case and punctuation are folded."""
    return similar_folded(fold(a), fold(b))


def similar_folded(a: str, b: str) -> bool:
    """similar() on names already folded (a large import folds each name once)."""
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    # Upper bounds of ratio() first: the shorter name's length, then the longest common
    # subsequence (the matching blocks are one; rapidfuzz counts it in C, a hundred times
    # faster than difflib). Most pairs stop there, with the same answer.
    total = len(a) + len(b)
    if 2.0 * min(len(a), len(b)) / total < SIMILARITY:
        return False
    if 2.0 * LCSseq.similarity(a, b) / total < SIMILARITY:
        return False
    return SequenceMatcher(None, a, b).ratio() >= SIMILARITY


def website_key(url: str | None) -> str | None:
    """The host and path of a URL, without scheme, www. or trailing slash."""
    if not url:
        return None
    parts = urlsplit(url.strip().lower())
    host = parts.netloc.removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}" if host else None
