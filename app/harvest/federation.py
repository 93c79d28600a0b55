"""Read another Maillage's initiatives through its API, page by page, trusting nothing it says.

`base_url` is the other instance's root, the address of its home page (such as
https://maillage.example.org, or https://example.org/maillage when it is served under a path);
its collection URL (…/api/v1/initiatives) is accepted too. Every page is fetched by fetch(),
so the same address checks, timeout and size cap apply to each one.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

import orjson
from flask import current_app

from app.harvest.fetch import FetchError, fetch, shown
from app.text import N_

COLLECTION = "/api/v1/initiatives"
PAGE_SIZE = 1000  # the API's default page: at most HARVEST_MAX_FEATURES / PAGE_SIZE requests


@dataclass
class MaillagePull:
    """The features read, whether they are all of the other instance's (False when only
    those changed since a date were asked for), and how many pages it took."""

    features: list[dict] = field(default_factory=list)
    complete: bool = True
    pages: int = 0


def read_maillage(base_url: str, *, since: datetime | None = None, allow_private: bool = False,
                  page_size: int = PAGE_SIZE) -> MaillagePull:
    """Every published initiative of another Maillage, or those updated since `since`.

    Raise FetchError when a page cannot be fetched or the other instance misbehaves: a page
    that is not a FeatureCollection, a feature without an id or seen twice, a cursor given
    twice, more pages (HARVEST_MAX_PAGES) or features (HARVEST_MAX_FEATURES) than allowed.
    """
    pull, ids, cursors = MaillagePull(complete=since is None), set(), set()
    query = {"limit": page_size, **({"updated_since": as_utc(since)} if since else {})}
    url = collection_url(base_url)
    while True:
        check_page_count(pull.pages, url)
        page = read_page(url, query, allow_private)
        pull.pages += 1
        add_features(pull, page, ids, url)
        cursor = next_cursor(page, url)
        if cursor is None:
            return pull
        if cursor in cursors:
            raise FetchError(N_("%(url)s renvoie vers une page déjà lue (curseur répété) : "
                                "lecture arrêtée.", url=shown(url)))
        cursors.add(cursor)
        query["cursor"] = cursor


def collection_url(base_url: str) -> str:
    """The collection URL of the instance at base_url (its root, or that URL itself)."""
    parts = urlsplit(base_url.strip())
    path = parts.path.rstrip("/")
    if path.endswith(COLLECTION):
        path = path[: -len(COLLECTION)]
    return parts._replace(path=path + COLLECTION, query="", fragment="").geturl()


def as_utc(moment: datetime) -> str:
    """An ISO 8601 date-time in UTC (a naive one is taken as UTC)."""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def check_page_count(pages: int, url: str) -> None:
    maximum = current_app.config["HARVEST_MAX_PAGES"]
    if pages >= maximum:
        raise FetchError(N_("%(url)s a plus de %(max)s pages (réglage HARVEST_MAX_PAGES) : "
                            "lecture arrêtée.", url=shown(url), max=maximum))


def read_page(url: str, query: dict, allow_private: bool) -> dict:
    """One page of the collection, checked to be a FeatureCollection."""
    fetched = fetch(f"{url}?{urlencode(query)}", allow_private=allow_private)
    try:
        page = orjson.loads(fetched.body)
    except orjson.JSONDecodeError:
        page = None
    if (not isinstance(page, dict) or page.get("type") != "FeatureCollection"
            or not isinstance(page.get("features"), list)):
        raise FetchError(N_("%(url)s n'a pas renvoyé une collection GeoJSON "
                            "(FeatureCollection) : est-ce bien l'adresse d'un Maillage ?",
                            url=shown(url)))
    return page


def add_features(pull: MaillagePull, page: dict, ids: set, url: str) -> None:
    """Add the page's features, refusing one without an id, an id seen twice, or too many."""
    maximum = current_app.config["HARVEST_MAX_FEATURES"]
    for feature in page["features"]:
        identifier = feature.get("id") if isinstance(feature, dict) else None
        if isinstance(identifier, bool) or not isinstance(identifier, int | str) \
                or identifier == "":
            raise FetchError(N_("%(url)s a renvoyé une entrée sans identifiant : sans lui, "
                                "elle ne peut être suivie d'une lecture à l'autre.",
                                url=shown(url)))
        if str(identifier) in ids:
            raise FetchError(N_("%(url)s a renvoyé deux fois l'entrée %(id)s : lecture "
                                "arrêtée.", url=shown(url), id=str(identifier)[:40]))
        if len(pull.features) >= maximum:
            raise FetchError(N_("%(url)s a plus de %(max)s entrées (réglage "
                                "HARVEST_MAX_FEATURES) : lecture arrêtée.",
                                url=shown(url), max=maximum))
        ids.add(str(identifier))
        pull.features.append(feature)


def next_cursor(page: dict, url: str) -> str | None:
    """The cursor of the next page, None on the last one."""
    cursor = page.get("next_cursor")
    if cursor is None or cursor == "":
        return None
    if not isinstance(cursor, str) or len(cursor) > 200:
        raise FetchError(N_("%(url)s a renvoyé un curseur de page invalide : lecture arrêtée.",
                            url=shown(url)))
    return cursor
