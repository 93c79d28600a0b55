"""The list's order, on every page and sort, against a reference computed in Python; its
sort keys, which the database computes, on every write path; their migration."""

import re

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.database import write_transaction
from app.extensions import db
from app.filters import Filters
from app.geo.spatial import explain, select_initiatives
from app.initiatives.change_sets import decide_change_set, propose_change
from app.initiatives.moderation import decide
from app.initiatives.services import create_initiative
from app.models import Initiative
from app.public.services import (
    ACCENTED_CAPITALS,
    LIST_ORDERS,
    PER_PAGE,
    SORTS,
    cursor_parsers,
    result_page,
)
from app.web import keyset
from tests.factories import make_initiative
from tests.test_import import commit as import_csv

SORT_NAME_LENGTH = 64
SORT_INDEXES = {"ix_initiatives_sort_name", "ix_initiatives_sort_commune",
                "ix_initiatives_sort_updated", "ix_initiatives_departement_counts",
                "ix_initiatives_region_counts"}
# Longer than the sort key: these tie on it and differ after it, or not at all.
LONG_NAME = "Réseau d'entraide et de solidarité des habitants du quartier de la gare centrale"
COMMUNES = ("75056", "69123", "69081", "02565", "17004", "06059", "35238", "71076", None)
NO_TERRITORY = {"insee": None, "commune_name": None, "epci": None, "departement": None,
                "region": None}


def initiative_data(number: int) -> dict:
    """Varied initiatives: accented and quoted names, long tied names, missing communes."""
    names = ("Zébulon", "« Écoles ouvertes »", "atelier", "Atelier", "Œuvre commune",
             "Île aux savoirs", "Boussole", "'Quotes'", "Épicerie", "ecole")
    if number % 3 == 0:
        name, summary = LONG_NAME, f"Résumé {number % 4}"  # tied groups, ties by id too
    else:
        name, summary = names[number % len(names)], f"Résumé {number % 5}"
    insee = COMMUNES[number % len(COMMUNES)] or "29019"  # territory cleared in `varied`
    theme = ("gestion-de-crise", "retours-experience")[number % 2]
    kind = ("initiative", "place", "resource")[number % 3]
    return {"name": name, "summary": summary, "kind": kind, "themes": [theme], "insee": insee}


@pytest.fixture
def varied(themes):
    """About a hundred initiatives, most published, some archived or pending, some without
    a territory (stored before every point had to lie in France, and kept)."""
    with write_transaction():
        created = []
        for number in range(100):
            status = ("archived" if number % 11 == 0 else
                      "pending" if number % 13 == 0 else "published")
            created.append(create_initiative(initiative_data(number), status=status))
        nowhere = [i.id for n, i in enumerate(created) if COMMUNES[n % len(COMMUNES)] is None]
        db.session.execute(sa.update(Initiative).where(Initiative.id.in_(nowhere))
                           .values(**NO_TERRITORY))
    db.session.expire_all()


def ascii_lower(text: str) -> str:
    """Lower case as both databases apply it to these names (ASCII letters)."""
    return "".join(c.lower() if c.isascii() else c for c in text)


def commune_key(commune_name: str | None) -> tuple:
    if commune_name is None:
        return (1, "")
    for accented, plain in ACCENTED_CAPITALS:
        commune_name = commune_name.replace(accented, plain)
    return (0, ascii_lower(commune_name))


def reference(filters: Filters, sort: str) -> list[int]:
    """The matching ids in the order the list had before its sort keys, computed in Python."""
    rows = [i for i in db.session.scalars(sa.select(Initiative))
            if i.status in filters.statuses
            and (not filters.kinds or i.kind in filters.kinds)
            and (not filters.themes or {t.slug for t in i.themes} & set(filters.themes))
            and (not filters.departement or i.departement == filters.departement)]
    if sort == "updated":
        rows.sort(key=lambda i: (i.updated_at, i.id), reverse=True)
    elif sort == "commune":
        rows.sort(key=lambda i: (*commune_key(i.commune_name), sort_name(i), i.id))
    else:
        rows.sort(key=lambda i: (sort_name(i), i.id))
    return [i.id for i in rows]


def sort_name(initiative: Initiative) -> str:
    """The name's sort key: the first characters of the folded text; ties go by id."""
    return initiative.search_text[:SORT_NAME_LENGTH]


def walk(filters: Filters, sort: str) -> tuple[list[keyset.Page], list[keyset.Page]]:
    """Every page following "next" from the first, then every page following "previous"
    from the last one reached."""
    forward = [result_page(filters, sort)]
    while forward[-1].next:
        forward.append(result_page(filters, sort, cursor(sort, forward[-1].next)))
    backward = [forward[-1]]
    while backward[-1].rank > 1:
        backward.append(result_page(filters, sort, cursor(sort, backward[-1].previous)))
    return forward, backward


def cursor(sort: str, token: str) -> keyset.Cursor:
    return keyset.decode(token, sort, cursor_parsers(sort))


def ids_of(page: keyset.Page) -> list[int]:
    return [i.id for i in page.items]


FILTERS = [Filters(), Filters(status="all"), Filters(status="archived"),
           Filters(kinds=("place",)), Filters(themes=("retours-experience",)),
           Filters(departement="69", status="all")]


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
def test_walking_the_pages_both_ways_shows_each_entry_once_in_order(varied, filters, sort):
    expected = reference(filters, sort)
    assert expected
    forward, backward = walk(filters, sort)
    assert [i for page in forward for i in ids_of(page)] == expected
    assert [page.rank for page in forward] == list(range(1, len(expected) + 1, PER_PAGE))
    assert all(page.total == len(expected) for page in forward)
    # Back from the last page: the same pages, in reverse, the first one full.
    assert [ids_of(page) for page in backward] == [ids_of(page) for page in forward][::-1]


def test_tied_names_straddle_pages_and_keep_their_order(varied):
    tied = [i for i in reference(Filters(), "name")
            if db.session.get(Initiative, i).name == LONG_NAME]
    assert len(tied) > PER_PAGE  # the group crosses a page boundary
    prefixes = {sort_name(db.session.get(Initiative, i)) for i in tied}
    assert len(prefixes) == 1  # all tie on the sort key: the id decides
    forward, _backward = walk(Filters(), "name")
    listed = [i for page in forward for i in ids_of(page) if i in tied]
    assert listed == sorted(tied)


def test_the_last_page_link_shows_the_last_entries(varied):
    expected = reference(Filters(), "updated")
    first = result_page(Filters(), "updated")
    last = result_page(Filters(), "updated", cursor("updated", first.last))
    assert ids_of(last) == expected[-PER_PAGE:] and not last.next
    assert last.rank == len(expected) - PER_PAGE + 1 and last.end == len(expected)
    before = result_page(Filters(), "updated", cursor("updated", last.previous))
    assert ids_of(before) == expected[-2 * PER_PAGE:-PER_PAGE]


def test_a_page_whose_entries_changed_goes_on_from_its_keys(varied):
    """A cursor holds keys, not an offset: entries unpublished before it do not shift the
    next page (an offset would skip as many entries as were removed)."""
    expected = reference(Filters(), "name")
    second = result_page(Filters(), "name", cursor("name", result_page(Filters(), "name").next))
    with write_transaction():
        db.session.execute(sa.update(Initiative).where(Initiative.id.in_(expected[:5]))
                           .values(status="pending"))
    third = result_page(Filters(), "name", cursor("name", second.next))
    assert ids_of(third) == expected[2 * PER_PAGE:3 * PER_PAGE]


@pytest.mark.parametrize("token", ["nope", "", "e30", keyset.Cursor("updated", "a", 2, (
    "2026-01-01T00:00:00", 3)).encode(), keyset.Cursor("name", "a", 0, ("a", 1)).encode(),
    keyset.Cursor("name", "a", 2, ("a", "1")).encode(), "W10", "%%%"])
def test_a_bad_cursor_is_refused(token):
    with pytest.raises(keyset.BadCursor):
        cursor("name", token)


def test_a_bad_cursor_gets_a_400_page_leading_back_to_the_list(client, varied):
    for path in ("/initiatives?cursor=abc&sort=name", "/acteurs?cursor=abc"):
        answer = client.get(path)
        assert answer.status_code == 400, path
        assert "première page" in answer.get_data(as_text=True)


def test_list_page_shows_the_reference_order_through_http(client, varied):
    from tests.test_public_pages import listed_ids

    assert listed_ids(client, "sort=commune&status=all") == reference(Filters(status="all"),
                                                                        "commune")


# The sort keys on every write path.

def sort_keys() -> dict[int, tuple]:
    rows = db.session.execute(sa.text("SELECT id, sort_name, commune_sort FROM initiatives"))
    return {row.id: (row.sort_name, row.commune_sort) for row in rows}


def assert_keys_current() -> None:
    db.session.expire_all()
    keys = sort_keys()
    assert keys
    for initiative in db.session.scalars(sa.select(Initiative)):
        has_commune, commune = commune_key(initiative.commune_name)
        expected_commune = "1" if has_commune else "0" + commune
        assert keys[initiative.id] == (initiative.search_text[:SORT_NAME_LENGTH],
                                       expected_commune), initiative


def test_sort_keys_of_seeded_initiatives(seeded):
    assert_keys_current()


def test_sort_keys_follow_creation_and_moderation_edits(accounts):
    initiative = make_initiative("Zèbre", kind="place", insee="75056", private_email=None)
    assert_keys_current()
    with write_transaction():
        decide(initiative, "approve", moderator=accounts.national, reason="",
               expected_version=initiative.version,
               changes={"name": "Écluse", "insee": "69081"})
    assert sort_keys()[initiative.id] == ("ecluse ecully", "0ecully")
    assert_keys_current()


def test_sort_keys_follow_an_approved_change_set(accounts):
    with write_transaction():
        initiative = create_initiative({"name": "Atelier", "kind": "place", "insee": "75056",
                                        "themes": ["gestion-de-crise"]}, status="published")
        change_set = propose_change(initiative, {"name": "Île fleurie", "insee": "17004"},
                                    author=None, email="a@example.org", message="")
    with write_transaction():
        decide_change_set(change_set, "approve", moderator=accounts.national,
                          expected_version=change_set.version)
    assert sort_keys()[initiative.id] == ("ile fleurie ile d aix", "0ile-d'aix")
    assert_keys_current()


def test_sort_keys_of_imported_initiatives(themes):
    import_csv("name,commune\nŒuvre importée,Cluny\nAnother one,Rennes\n")
    assert len(sort_keys()) == 2
    assert_keys_current()


def test_sort_keys_follow_plain_sql_writes(seeded):
    """Generated by the database: even a write around the ORM keeps them current."""
    with db.engine.begin() as connection:
        connection.execute(sa.text(
            "UPDATE initiatives SET search_text = 'aaa', commune_name = NULL"))
    assert set(sort_keys().values()) == {("aaa", "1")}


# The migration.

@pytest.mark.filterwarnings("ignore:Did not recognize type 'geometry'")
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_migration_fills_the_sort_keys_and_removes_them(seeded_points):
    db.session.remove()
    downgrade(revision="e5d2a1c9f3b7")
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("initiatives")}
    indexes = {i["name"] for i in sa.inspect(db.engine).get_indexes("initiatives")}
    assert not {"sort_name", "commune_sort"} & columns and not SORT_INDEXES & indexes
    upgrade()
    db.engine.dispose()
    indexes = {i["name"] for i in sa.inspect(db.engine).get_indexes("initiatives")}
    assert SORT_INDEXES <= indexes
    assert_keys_current()


# The pages' plans: an index walked from the cursor, never a sort of every matching row.

SORT_STEP = re.compile(r"^\s*(->\s*)?(Sort|Incremental Sort)\b|USE TEMP B-TREE", re.M)
ORDER_INDEXES = {"name": "ix_initiatives_sort_name", "commune": "ix_initiatives_sort_commune",
                 "updated": "ix_initiatives_sort_updated"}


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("backward", [False, True])
def test_a_page_reads_its_sort_index_from_the_cursor(seeded_points, sort, backward):
    from tests.test_spatial import spread_copies

    spread_copies(60)  # about 3,000 rows: the planner weighs its indexes as in production
    order = LIST_ORDERS[sort]
    middle = db.session.execute(keyset.page_statement(
        select_initiatives(Filters()), order, (), 1).offset(1500)).one()
    for keys in ((), tuple(middle)):
        plan = explain(keyset.page_statement(select_initiatives(Filters()), order, keys,
                                             PER_PAGE + 1, backward))
        assert ORDER_INDEXES[sort] in plan, plan
        assert not SORT_STEP.search(plan), plan
