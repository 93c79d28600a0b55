"""The moderation queue by keyset pages: each waiting item once, each section paged on its
own, within the moderator's territories, a decision leading back to its page, and every page
read from the section's index."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.geo.spatial import explain
from app.initiatives.reports import file_report
from app.models import Initiative
from app.moderation import services
from app.web import keyset
from tests.factories import BORDEAUX, login, make_initiative
from tests.test_list_order import SORT_STEP

pytestmark = pytest.mark.usefixtures("fast_forms")
SIZE = 10  # items per page here, so that a few dozen make several pages
ITEM = re.compile(r'id="item-proposal-(\d+)"')


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(services, "QUEUE_PAGE", SIZE)


@pytest.fixture
def waiting(accounts, small_pages) -> dict[str, list[int]]:
    """25 proposals in Saône-et-Loire and 4 in Gironde, arrived in bunches: ties on the
    arrival time straddle the pages, and the arrival order is not the id order."""
    cluny = [make_initiative(f"Cluny {n:02d}", themes=None) for n in range(25)]
    bordeaux = [make_initiative(f"Bordeaux {n}", insee=BORDEAUX, themes=None) for n in range(4)]
    start = datetime(2026, 11, 1, tzinfo=UTC)
    with write_transaction():
        for n, initiative in enumerate(cluny + bordeaux):
            initiative.created_at = start + timedelta(hours=(n * 7) % 6)
    return {"71": reference([i.id for i in cluny]), "33": reference([i.id for i in bordeaux])}


def reference(ids: list[int]) -> list[int]:
    """The queue's order: oldest first, then by id."""
    rows = db.session.execute(sa.select(Initiative.id).where(Initiative.id.in_(ids))
                              .order_by(Initiative.created_at, Initiative.id))
    return [row.id for row in rows]


def section_link(page: str, label: str, text: str) -> str | None:
    """The URL of a link of a section's page navigation, None when it has none."""
    nav = re.search(rf'<nav class="pagination" aria-label="{label}">(.*?)</nav>', page, re.S)
    found = nav and re.search(rf'<a href="([^"]+)"[^>]*>{text}</a>', nav.group(1))
    return html.unescape(found.group(1)) if found else None


def walk(client, start: str, text: str) -> tuple[list[list[int]], str]:
    """The proposals of each page met following one kind of link from `start`, and the URL
    of the last page met."""
    pages, url = [], start
    while url:
        page = client.get(url)
        assert page.status_code == 200
        pages.append([int(found) for found in ITEM.findall(page.text)])
        url, reached = section_link(page.text, "Pages des propositions", text), url
    return pages, reached


def test_walking_the_proposals_both_ways_shows_each_one_once_in_order(client, waiting,
                                                                      accounts):
    login(client, accounts.national)
    every = reference(waiting["71"] + waiting["33"])
    forward, end = walk(client, "/moderation/", "Page suivante")
    assert [len(ids) for ids in forward] == [10, 10, 9]
    assert sum(forward, []) == every
    backward, _ = walk(client, end, "Page précédente")
    assert backward == forward[::-1]
    last = section_link(client.get("/moderation/").text, "Pages des propositions",
                        "Dernière page")
    page = client.get(last).text
    assert [int(found) for found in ITEM.findall(page)] == every[-10:]
    assert "29 propositions en attente" in page and "Résultats 20 à 29 sur 29" in page


def test_a_scoped_moderator_pages_through_their_territories_only(client, waiting, accounts):
    login(client, accounts.moderator_71)
    assert sum(walk(client, "/moderation/", "Page suivante")[0], []) == waiting["71"]
    assert "25 propositions en attente" in client.get("/moderation/").text
    client.post("/logout")
    login(client, accounts.moderator_33)
    page = client.get("/moderation/").text
    assert ITEM.findall(page) == [str(id_) for id_ in waiting["33"]]
    assert "4 propositions en attente" in page and "Pages des propositions" not in page


def test_filters_and_other_sections_keep_their_place_when_one_section_pages(client, waiting,
                                                                              accounts):
    with write_transaction():
        first = sa.select(Initiative).order_by(Initiative.id).limit(12)
        for initiative in db.session.scalars(first):
            initiative.status = "published"
            file_report(initiative, "other", "Vu fermé", reporter=None, email=None)
    login(client, accounts.national)
    first = client.get("/moderation/?departement=71").text
    reports_next = section_link(first, "Pages des signalements", "Page suivante")
    proposals_next = section_link(first, "Pages des propositions", "Page suivante")
    both = section_link(client.get(proposals_next).text, "Pages des signalements",
                        "Page suivante")
    assert "departement=71" in reports_next and "proposals=" not in reports_next
    assert "departement=71" in both and "proposals=" in both and "reports=" in both
    page = client.get(both).text
    assert "Résultats 11 à 13 sur 13" in page  # proposals: 25 in 71, 12 of them published
    assert "Résultats 11 à 12 sur 12" in page  # reports


def test_a_decision_taken_from_page_two_returns_to_page_two(client, waiting, accounts):
    login(client, accounts.national)
    second_url = section_link(client.get("/moderation/").text, "Pages des propositions",
                              "Page suivante")
    second = client.get(second_url).text
    shown = [int(found) for found in ITEM.findall(second)]
    review = re.search(rf'href="([^"]*/moderation/initiatives/{shown[0]}\?[^"]*)"', second)
    review_page = client.get(html.unescape(review.group(1))).text
    action = re.search(r'action="([^"]*/decision\?[^"]*)"', review_page).group(1)
    initiative = db.session.get(Initiative, shown[0])
    decided = client.post(html.unescape(action),
                          data={"decision": "reject", "reason": "Hors sujet",
                                "version": initiative.version})
    assert decided.status_code == 302 and "proposals=" in decided.location
    back = client.get(decided.location).text
    assert "Résultats 11 à 20 sur 28" in back
    assert [int(found) for found in ITEM.findall(back)] == shown[1:] + [
        reference(waiting["71"] + waiting["33"])[20]]
    bulk = re.search(r'action="([^"]*/bulk\?[^"]*)"', back).group(1)
    db.session.expire_all()
    version = db.session.get(Initiative, shown[1]).version
    done = client.post(html.unescape(bulk), data={"items": [f"proposal:{shown[1]}:{version}"],
                                                  "decision": "reject",
                                                  "reason": "Hors sujet"})
    assert "Résultats 11 à 20 sur 27" in client.get(done.location).text


@pytest.mark.parametrize("param", ["proposals", "corrections", "reports"])
@pytest.mark.parametrize("garbled", [True, False])
def test_a_bad_cursor_gets_a_400_page_saying_how_to_go_on(client, waiting, accounts, param,
                                                           garbled):
    other = "queue-correction" if param == "proposals" else "queue-proposal"
    token = "nonsense" if garbled else keyset.Cursor(  # another section's cursor
        other, keyset.AFTER, 11, ("2026-11-01T00:00:00+00:00", 1)).encode()
    login(client, accounts.national)
    page = client.get(f"/moderation/?{param}={token}")
    assert page.status_code == 400
    assert "Ce lien de page n&#39;est pas valide" in page.text


# The sections' plans: their index walked from the cursor, never a sort of every waiting item.

def fill_sections() -> None:
    """About 3,000 initiatives, one in ten pending, each with a correction and a report,
    one in ten of them waiting; then ANALYZE, so the planner weighs the indexes as it would
    with a large queue."""
    from tests.test_spatial import spread_copies

    spread_copies(60)
    db.session.execute(sa.text("UPDATE initiatives SET status = 'pending' WHERE id % 10 = 0"))
    for table, columns, values in (
            ("change_sets", "changes, message, base_version", "'{}', '', 1"),
            ("reports", "kind, message", "'other', ''")):
        waiting = "pending" if table == "change_sets" else "open"
        done = "rejected" if table == "change_sets" else "resolved"
        db.session.execute(sa.text(
            f"INSERT INTO {table} (initiative_id, {columns}, status, created_at, version) "
            f"SELECT id, {values}, CASE WHEN id % 10 = 3 THEN '{waiting}' ELSE '{done}' END, "
            "created_at, 1 FROM initiatives"))
    db.session.execute(sa.text("ANALYZE"))


@pytest.mark.parametrize("backward", [False, True])
def test_each_section_reads_its_queue_index_from_the_cursor(seeded_points, accounts,
                                                            backward):
    fill_sections()
    conditions = services.initiative_conditions(accounts.national, services.QueueFilters())
    for section in services.SECTIONS:
        stmt = services.waiting(section, conditions, datetime.now(UTC))
        middle = db.session.execute(keyset.page_statement(stmt, section.order, (), 1)
                                    .offset(150)).one()
        for keys in ((), tuple(middle)):
            plan = explain(keyset.page_statement(stmt, section.order, keys,
                                                 services.QUEUE_PAGE + 1, backward))
            assert f"ix_{section.model.__tablename__}_queue" in plan, plan
            assert not SORT_STEP.search(plan), plan
