"""The seed data: the entries named in the source documents, each quoting them, loaded once."""

from collections import Counter

import sqlalchemy as sa

from app.extensions import db
from app.initiatives.taxonomy import default_categories
from app.models import Initiative, Revision, Theme
from tests.test_seed_corpus import SEEDS, normalise

NAMED_IN_THE_BRIEF = {
    "Cluny": "71137",
    "Parthenay": "79202",
    "Mulhouse": "68224",
    "Bègles": "33039",
    "Rennes": "35238",
    "Les Mureaux": "78440",
    "Nanterre": "92050",
    "Laon": "02408",
}


def test_seed_loads_published_entries_with_a_revision_each(app, seeded):
    initiatives = db.session.scalars(sa.select(Initiative)).all()
    assert len(initiatives) == seeded.created == 87
    assert {i.status for i in initiatives} == {"published"}
    revisions = db.session.scalars(sa.select(Revision)).all()
    assert sorted(r.initiative_id for r in revisions) == sorted(i.id for i in initiatives)
    assert {r.action for r in revisions} == {"create"}
    assert all(r.after["name"] and r.before is None for r in revisions)


def test_every_entry_quotes_its_sources_verbatim(app, seeded):
    texts = normalise(" ".join(path.read_text() for path in SEEDS.glob("*.txt"))) \
        if SEEDS.is_dir() else None
    for initiative in db.session.scalars(sa.select(Initiative)):
        assert initiative.sources and all(s.title and s.quote for s in initiative.sources)
        if texts is not None:  # the texts sit beside the project; the corpus test says so
            assert all(normalise(s.quote) in texts for s in initiative.sources), initiative.name


def test_seed_uses_every_kind_and_scope(app, seeded):
    kinds = Counter(db.session.scalars(sa.select(Initiative.kind)))
    assert set(kinds) == {"initiative", "field_site", "place", "resource", "organisation"}
    scopes = Counter(db.session.scalars(sa.select(Initiative.scope)))
    assert scopes["local"] == 18 and scopes["national"] >= 30
    assert {"intercommunal", "departemental", "regional"} <= set(scopes)
    unplaced = db.session.scalar(sa.select(sa.func.count()).where(
        Initiative.scope != "local", Initiative.lon.is_not(None)))
    assert unplaced == 0  # no invented pin for a whole territory


def test_seed_twice_adds_nothing(runner, seeded):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "0 initiatives added" in result.output and "0 updated" in result.output
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Initiative))
    assert count == seeded.created
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Revision)) == count
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Theme)) == len(
        default_categories())


def test_seed_covers_the_communes_of_the_source_documents(app, seeded):
    communes = set(db.session.scalars(sa.select(Initiative.insee)))
    assert set(NAMED_IN_THE_BRIEF.values()) <= communes


def test_seed_initiatives_carry_territory_themes_and_source(app, seeded):
    cluny = db.session.scalars(
        sa.select(Initiative).where(Initiative.insee == "71137")
    ).first()
    assert cluny.commune_name == "Cluny"
    assert (cluny.departement, cluny.region) == ("71", "27")
    assert cluny.epci
    assert 4.6 < cluny.lon < 4.7 and 46.4 < cluny.lat < 46.5
    assert cluny.themes and cluny.sources[0].title and not cluny.source
    assert "cluny" in cluny.search_text


def test_seed_names_the_initiatives_of_the_brief(app, seeded):
    names = " | ".join(db.session.scalars(sa.select(Initiative.name))).lower()
    for expected in ("mulhouse c'est vous", "tilab", "vivre les mureaux", "résonance",
                     "lab des possibles", "riposte créative", "visière",
                     "solidarité numérique", "osez la médiation"):
        assert expected in names
