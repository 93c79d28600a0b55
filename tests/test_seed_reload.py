"""The seed corpus v2 loaded, and a database loaded with the first seed brought up to it."""

from datetime import date
from pathlib import Path

import orjson
import sqlalchemy as sa

from app.clock import LOCAL_ZONE
from app.database import write_transaction
from app.extensions import db
from app.initiatives.freshness import seed_source_year
from app.initiatives.seed import ARCHIVE_REASON, SEED_REASON, UPDATE_REASON, load_seed
from app.initiatives.seed_values import accepts, is_local
from app.initiatives.services import update_initiative
from app.models import Initiative, Revision
from tests.conftest import POINTS_SEED
from tests.test_seed_corpus import SEEDS, normalise

GEODATA = Path(__file__).resolve().parent.parent / "geodata"
FIRST_SEED = POINTS_SEED
CORPUS = GEODATA / "seed_corpus.geojson"
FEATURES = orjson.loads(CORPUS.read_bytes())["features"]
BY_ID = {feature["properties"]["seed_id"]: feature["properties"] for feature in FEATURES}
FIRST_IDS = {f["properties"]["seed_id"] for f in orjson.loads(FIRST_SEED.read_bytes())["features"]}
DROPPED = {"la-faute-sur-mer-memoire-xynthia", "rennes-labfab", "rouen-memoire-lubrizol",
           "tours-couturieres-masquees"}


def loadable() -> set[str]:
    """The corpus entries this database can hold (whole territories once scopes exist)."""
    return {seed_id for seed_id, feature in ((f["properties"]["seed_id"], f) for f in FEATURES)
            if is_local(feature) or accepts("scope")}


def load(path: Path):
    with write_transaction():
        return load_seed(path)


def seeded_entries() -> dict[str, Initiative]:
    return {i.external_id.removeprefix("seed:"): i for i in db.session.scalars(
        sa.select(Initiative).where(Initiative.external_id.like("seed:%")))}


def test_the_corpus_loads_every_entry_with_its_kind_categories_and_quoted_sources(app):
    report = load(CORPUS)
    entries = seeded_entries()
    assert set(entries) == loadable() and report.created == len(entries) >= 18
    texts = normalise(" ".join(p.read_text() for p in SEEDS.glob("*.txt"))) \
        if SEEDS.is_dir() else None
    for seed_id, entry in entries.items():
        given = BY_ID[seed_id]
        assert (entry.kind, entry.status) == (given["kind"], "published")
        assert [theme.slug for theme in entry.themes] == sorted(
            given["categories"], key=[t.slug for t in entry.themes].index)
        assert [s.quote for s in entry.sources] == [s["quote"] for s in given["sources"]]
        assert entry.sources and all(s.quote for s in entry.sources)
        if texts is not None:
            assert all(normalise(s.quote) in texts for s in entry.sources), seed_id
        assert (entry.actor_name or None, entry.actor_type) == (given["actor_name"],
                                                                given["actor_type"])
    assert {e.kind for e in entries.values()} >= {"initiative", "field_site", "organisation"}


def test_a_local_entry_keeps_its_commune_precision_and_no_invented_date(app):
    load(CORPUS)
    cluny = seeded_entries()["cluny-reseau-social-solidaire"]
    assert (cluny.insee, cluny.commune_name, cluny.location_precision) == (
        "71137", "Cluny", "commune")
    assert cluny.started_on is None
    assert cluny.last_verified_on == date(2020, 5, 20)  # its source, the session of 20 May


def test_dates_are_stored_only_to_the_day_the_texts_give(app):
    load(CORPUS)
    entries = seeded_entries()
    for seed_id, entry in entries.items():
        given = BY_ID[seed_id]
        for field in ("started_on", "ended_on"):
            if given[field] and len(given[field]) == 10:
                assert getattr(entry, field) == date.fromisoformat(given[field])
            else:
                assert getattr(entry, field) is None
        dated = [s["published_on"] for s in given["sources"] if s["published_on"]]
        # Undated: the model counts the entry from its publication; the page says 2020.
        published_day = entry.published_at.astimezone(LOCAL_ZONE).date()
        assert entry.last_verified_on == (date.fromisoformat(dated[0]) if dated
                                          else published_day)
        assert seed_source_year(entry) == (int(dated[0][:4]) if dated else 2020)
    if "tours-mission-resonance" in entries:  # a year the description did not name
        assert entries["tours-mission-resonance"].description.endswith("Début : 2020.")


def test_a_first_seed_database_is_brought_up_to_the_corpus(app, accounts):
    load(FIRST_SEED)
    entries = seeded_entries()
    with write_transaction():
        update_initiative(entries["mulhouse-cest-vous"], {"summary": "Corrigé à la main."},
                          author=accounts.national, reason="Précision")
    report = load(CORPUS)
    kept = set(FIRST_IDS) & loadable() - {"mulhouse-cest-vous"}
    assert set(report.updated) == kept and report.kept_edited == ["mulhouse-cest-vous"]
    assert set(report.archived) == DROPPED
    assert report.created == len(loadable() - FIRST_IDS)
    entries = seeded_entries()
    assert entries["mulhouse-cest-vous"].summary == "Corrigé à la main."
    rennes = entries["rennes-visieres-imprimante-3d"]
    assert rennes.summary == BY_ID["rennes-visieres-imprimante-3d"]["summary"]
    assert [s.quote for s in rennes.sources] == [
        s["quote"] for s in BY_ID["rennes-visieres-imprimante-3d"]["sources"]]
    assert last_revision(rennes) == ("update", UPDATE_REASON)
    for seed_id in DROPPED:
        assert entries[seed_id].status == "archived"
        assert last_revision(entries[seed_id]) == ("archive", ARCHIVE_REASON)


def test_loading_again_changes_nothing(app):
    load(FIRST_SEED)
    load(CORPUS)
    revisions = db.session.scalar(sa.select(sa.func.count()).select_from(Revision))
    again = load(CORPUS)
    assert (again.created, again.updated, again.archived) == (0, [], [])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Revision)) == revisions


def test_the_seed_command_says_what_it_did(app, runner):
    load(FIRST_SEED)
    app.config["SEED_PATH"] = str(CORPUS)
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "4 archived" in result.output
    assert "Archived: la-faute-sur-mer-memoire-xynthia, rennes-labfab" in result.output
    assert "updated to the sources" in result.output


def last_revision(initiative: Initiative) -> tuple[str, str]:
    revision = db.session.scalars(sa.select(Revision).where(
        Revision.initiative_id == initiative.id).order_by(Revision.id.desc())).first()
    return revision.action, revision.reason


def test_the_seed_writes_its_revisions_without_author(app):
    load(CORPUS)
    authors = set(db.session.scalars(sa.select(Revision.author_id)))
    reasons = set(db.session.scalars(sa.select(Revision.reason)))
    assert authors == {None} and reasons == {SEED_REASON}
