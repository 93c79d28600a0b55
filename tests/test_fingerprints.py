"""Fingerprints from the data version (issue 19): the ETags of the API, the exports and the
feeds, and the facet counts' key, cost one read of the data version whatever the number of
initiatives, change with every write whatever wrote it, and never repeat across databases."""

import re

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.database import write_transaction
from app.extensions import db
from app.filters import parse_filters
from app.initiatives.data_versions import draw_epoch
from app.initiatives.services import update_initiative
from app.initiatives.themes import save_theme
from app.models import Initiative, Theme
from app.public.services import facet_counts
from tests.factories import make_initiative, recorded_statements

pytestmark = pytest.mark.usefixtures("app")
# Every response whose ETag a fingerprint makes, with filters of each kind (a bbox, a
# distance, the freshness filter and its day).
URLS = ("/api/v1/initiatives?limit=5", "/api/v1/initiatives?bbox=4,46,5,47",
        "/api/v1/initiatives?near=46.43,4.66&rayon=20", "/api/v1/initiatives?freshness=stale",
        "/api/v1/stats?kind=place", "/api/v1/map/points", "/export/initiatives.csv",
        "/export/initiatives.geojson?kind=place", "/initiatives.atom")
READS_ROWS = re.compile(r"\binitiatives\b", re.IGNORECASE)


@pytest.fixture
def cluny(themes) -> list[Initiative]:
    return [make_initiative(f"À Cluny {n}", kind="place", status="published", insee=None,
                            lon=4.6594, lat=46.4336, private_email=None, themes=None)
            for n in range(3)]


def etags(client) -> dict[str, str]:
    answers = {url: client.get(url) for url in URLS}
    assert {url: answer.status_code for url, answer in answers.items()} == dict.fromkeys(URLS, 200)
    return {url: answer.headers["ETag"] for url, answer in answers.items()}


def all_change(client, write) -> None:
    """Every ETag changes with the write, and a client's copy then gets the new body."""
    before = etags(client)
    write()
    db.session.expire_all()
    after = etags(client)
    assert [url for url in URLS if after[url] == before[url]] == []
    for url in URLS:
        assert client.get(url, headers={"If-None-Match": before[url]}).status_code == 200


def test_etags_hold_while_nothing_changes(client, cluny):
    first = etags(client)
    assert etags(client) == first
    for url, etag in first.items():
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304, url


def test_a_revalidation_reads_the_version_not_the_rows(client, cluny):
    """The cost of a 304 does not depend on the collection: no statement reads the
    initiatives (the feed reads its 50 entries' newest date, a LIMIT)."""
    for url, etag in etags(client).items():
        with recorded_statements() as statements:
            assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        reading = [sql for sql in statements if READS_ROWS.search(sql)]
        if url.startswith("/initiatives.atom"):
            assert len(reading) == 1 and "LIMIT" in reading[0], reading
        else:
            assert reading == [], url
        assert any("data_versions" in sql for sql in statements)


def test_an_edit_through_the_service_changes_every_etag(client, cluny):
    def write():
        with write_transaction():
            update_initiative(db.session.get(Initiative, cluny[0].id), {"summary": "Changé"},
                              author=None)
    all_change(client, write)


def test_a_theme_link_inserted_in_sql_changes_every_etag(client, cluny):
    def write():
        with write_transaction():
            theme_id = db.session.scalar(sa.select(sa.func.min(Theme.id)))
            db.session.execute(sa.text(
                "INSERT INTO initiative_themes (initiative_id, theme_id) VALUES (:i, :t)"),
                {"i": cluny[1].id, "t": theme_id})
    all_change(client, write)


def test_a_theme_renamed_changes_every_etag(client, cluny):
    def write():
        with write_transaction():
            theme = db.session.scalar(sa.select(Theme).where(Theme.slug == "gestion-de-crise"))
            save_theme({"label_fr": "Renommé", "label_en": theme.label_en,
                        "colour": theme.colour, "slug": theme.slug,
                        "parent_id": theme.parent_id}, theme)
    all_change(client, write)


def test_another_database_never_gives_the_same_etags(client, cluny):
    """Two databases with the same rows and counters differ by their epoch (a restore
    draws a new one): the page files and caches they share by ETag stay apart."""
    before = etags(client)
    draw_epoch()
    after = etags(client)
    assert [url for url in URLS if after[url] == before[url]] == []


def test_the_facet_counts_follow_a_write_in_sql(app, cluny):
    filters = parse_filters(MultiDict({"kind": "place"}))
    with app.test_request_context("/"):
        assert facet_counts(filters).total == 3
    with write_transaction():
        db.session.execute(sa.text("UPDATE initiatives SET status = 'archived' WHERE id = :i"),
                           {"i": cluny[2].id})
    with app.test_request_context("/"):
        assert facet_counts(filters).total == 2
