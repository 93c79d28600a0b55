"""The facet counts of the home page and lists: exact, cheap, counted once for every worker
(issue 19)."""

import dataclasses
import random

import pytest

from app.caching import page_files, responses
from app.extensions import db
from app.filters import PUBLIC_STATUSES, Filters
from app.geo import spatial
from app.initiatives.taxonomy import all_themes
from app.models import Initiative
from app.models.initiative import KINDS
from app.public.services import facet_counts
from tests.conftest import make_app
from tests.factories import make_initiative, recorded_statements

CLUNY, BORDEAUX = "71137", "33063"
STATUSES = ("published", "published", "published", "pending", "archived", "rejected")


@pytest.fixture
def collection(themes) -> list[Initiative]:
    """Thirty initiatives of random statuses and kinds, carrying up to four themes each:
    top categories and children, several of one family at times, none at others."""
    rng = random.Random(19)
    slugs = [theme.slug for theme in all_themes()]
    made = [make_initiative(f"Initiative {n}", status=rng.choice(STATUSES),
                            kind=rng.choice(KINDS),
                            themes=rng.sample(slugs, rng.randint(0, 4)) or None,
                            insee=rng.choice((CLUNY, BORDEAUX)))
            for n in range(30)]
    # Two children of one family, and a top category with one of its children.
    make_initiative("Deux enfants", status="published",
                    themes=["aide-alimentaire", "benevolat"])
    make_initiative("Parent et enfant", status="published", themes=["solidarite", "logement"])
    return made


def reference(filters: Filters) -> dict:
    """The facets counted in Python, initiative by initiative."""
    def matches(initiative: Initiative, themes: tuple, kinds: tuple) -> bool:
        carried = {theme.slug for theme in initiative.themes}
        carried |= {theme.parent.slug for theme in initiative.themes if theme.parent}
        return (initiative.status in filters.statuses
                and (not kinds or initiative.kind in kinds)
                and (not themes or bool(carried & set(themes)))
                and (not filters.departement or initiative.departement == filters.departement))

    everyone = db.session.query(Initiative).all()
    per_theme: dict[str, int] = {}
    for initiative in everyone:
        if matches(initiative, (), filters.kinds):
            own = {theme.slug for theme in initiative.themes}
            for slug in own | {theme.parent.slug for theme in initiative.themes if theme.parent}:
                per_theme[slug] = per_theme.get(slug, 0) + 1
    per_kind: dict[str, int] = {}
    for initiative in everyone:
        if matches(initiative, filters.themes, ()):
            per_kind[initiative.kind] = per_kind.get(initiative.kind, 0) + 1
    total = sum(matches(initiative, filters.themes, filters.kinds) for initiative in everyone)
    return {"total": total, "themes": per_theme, "kinds": per_kind}


FILTERS = [Filters(), Filters(status="all"), Filters(status="archived"),
           Filters(kinds=("place", "resource")), Filters(themes=("solidarite",)),
           Filters(themes=("benevolat", "numerique"), kinds=("initiative",)),
           Filters(departement="71", status="all")]


@pytest.mark.parametrize("filters", FILTERS, ids=repr)
def test_the_facets_equal_those_counted_one_by_one(collection, filters):
    assert dataclasses.asdict(facet_counts(filters)) == reference(filters)


def test_more_top_categories_than_a_set_holds_are_counted_each_once(collection, monkeypatch):
    monkeypatch.setattr(spatial, "MASK_BITS", 1)
    for filters in FILTERS:
        assert dataclasses.asdict(facet_counts(filters)) == reference(filters)


def test_the_home_page_counts_themes_without_joining_the_initiatives(collection):
    """The public status alone: the rows of initiative_themes are read, leaving out the few
    of the other statuses, with no DISTINCT over a join to every initiative; the total is
    the sum of the kinds."""
    with recorded_statements() as statements:
        facet_counts(Filters())
    themed = [statement for statement in statements if "initiative_themes" in statement]
    assert themed and all("JOIN initiatives" not in statement
                          and "count(DISTINCT" not in statement
                          for statement in themed)
    assert not [statement for statement in statements
                if "count(*)" in statement and "GROUP BY" not in statement
                and "initiative_themes" not in statement and "max(" not in statement]


@pytest.fixture
def shared(app, tmp_path, monkeypatch):
    """Page files in this test's directory, kept whatever the time counting took."""
    monkeypatch.setattr(responses, "SHARED_MIN_SECONDS", 0)
    app.config.update(API_PAGE_FILES_DIR=str(tmp_path / "pages"))
    return tmp_path / "pages"


def test_a_second_worker_reads_the_facets_the_first_counted(client, collection, migrated,
                                                           shared):
    assert client.get("/").status_code == 200
    page_files.settle()
    other = make_app(migrated, API_PAGE_FILES_DIR=str(shared))  # another worker, or a restart
    with other.app_context(), recorded_statements() as statements:
        assert other.test_client().get("/").status_code == 200
        read = facet_counts(Filters())
    assert not [statement for statement in statements if "GROUP BY" in statement]
    assert dataclasses.asdict(read) == reference(Filters())


def test_a_write_counts_the_facets_again(client, collection, shared):
    before = facet_counts(Filters())
    make_initiative("Nouvelle", status="published", kind="place", themes=["benevolat"])
    after = facet_counts(Filters())
    assert after.total == before.total + 1
    assert after.kinds["place"] == before.kinds.get("place", 0) + 1
    assert after.themes["benevolat"] == before.themes.get("benevolat", 0) + 1
    assert after.themes["solidarite"] == before.themes.get("solidarite", 0) + 1
    assert dataclasses.asdict(after) == reference(Filters())


def test_statuses_named_by_the_filters_exist():
    """theme_links leaves out the rows of every other status: each must be a model's."""
    assert {status for statuses in PUBLIC_STATUSES.values() for status in statuses} <= set(
        spatial.STATUSES)
