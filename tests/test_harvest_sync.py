"""Harvest sync semantics (issue 17.4) on real files' bytes: the same id updates the same
entry, a new one goes through duplicate detection, trusted changes are published with a
revision naming the source and others wait for moderators, an entry that leaves the source
is archived, a local edit is never overwritten, and a source that fails changes nothing."""

from datetime import timedelta

import sqlalchemy as sa

from app.database import write_transaction
from app.exchange.harvest_sync import Pulled, sync_pulled
from app.extensions import db
from app.harvest.settings import SourceValues, add_source
from app.initiatives.services import update_initiative
from app.models import ChangeSet, HarvestRun, HarvestSource, Initiative, Revision
from app.models.base import utcnow
from tests.factories import count, make_initiative
from tests.harvest_files import PLACES, features, geojson


def new_source(fmt: str = "geojson", *, trusted: bool = True, **values) -> int:
    with write_transaction():
        return add_source(SourceValues(name=values.pop("name", "Carte des lieux"),
                                       url="https://data.example.org/lieux", format=fmt,
                                       trusted=trusted, **values), author=None).id


def sync(source_id: int, body: bytes | None, **pulled) -> HarvestRun:
    run = sync_pulled(source_id, Pulled(body=body, **pulled), utcnow())
    db.session.expire_all()
    return run


def entries(source_id: int) -> dict[str, Initiative]:
    return {i.harvest_key: i for i in db.session.scalars(
        sa.select(Initiative).where(Initiative.harvest_source_id == source_id))}


def counts(run: HarvestRun) -> dict:
    return {name: value for name, value in run.counts().items() if value}


def test_a_trusted_source_publishes_its_entries_with_a_revision_naming_it(app, themes, clock):
    source_id = new_source()
    run = sync(source_id, geojson())
    assert (run.outcome, counts(run)) == ("ok", {"created": 3})
    found = entries(source_id)
    assert set(found) == {"lyon-1", "cluny-2", "dijon-3"}
    lyon = found["lyon-1"]
    assert (lyon.status, lyon.name, lyon.insee) == ("published", "Fablab des Pentes", "69123")
    assert lyon.harvest_seen_at == utcnow()
    assert db.session.scalar(sa.select(Revision.reason).where(
        Revision.initiative_id == lyon.id)) == "Moissonnage : Carte des lieux"


def test_the_same_content_again_is_unchanged_without_writing(app, themes, clock):
    source_id = new_source()
    sync(source_id, geojson())
    revisions = count(Revision)
    run = sync(source_id, geojson())
    assert (run.outcome, counts(run)) == ("unchanged", {})
    assert count(Revision) == revisions
    assert sync(source_id, None).outcome == "unchanged"  # a 304


def test_the_same_id_updates_the_same_entry_and_nothing_is_created_twice(app, themes, clock):
    source_id = new_source()
    sync(source_id, geojson())
    before = entries(source_id)["cluny-2"]
    clock.advance(hours=1)
    run = sync(source_id, geojson(**{"cluny-2": {"name": "Atelier vélo du Clunisois"}}))
    assert counts(run) == {"updated": 1, "unchanged": 2}
    after = entries(source_id)["cluny-2"]
    assert (after.id, after.name, after.status) == (before.id, "Atelier vélo du Clunisois",
                                                   "published")
    assert count(Initiative) == 3


def test_an_entry_that_leaves_the_source_is_archived_not_deleted(app, themes, clock):
    source_id = new_source()
    sync(source_id, geojson())
    run = sync(source_id, geojson(PLACES[:2]))
    assert counts(run) == {"archived": 1, "unchanged": 2}
    gone = entries(source_id)["dijon-3"]
    assert gone.status == "archived"
    assert "Disparue de la source « Carte des lieux »" in gone.moderator_comment


def test_an_entry_back_in_its_source_returns_to_the_queue_from_a_moderated_source(
        app, themes, clock):
    moderated = new_source(trusted=False, name="Carte modérée")
    sync(moderated, geojson())
    sync(moderated, geojson(PLACES[:2]))
    run = sync(moderated, geojson())  # back, from a moderated source: in the queue again
    assert counts(run) == {"proposed": 1, "unchanged": 2}, run.message
    back = entries(moderated)["dijon-3"]
    assert back.status == "pending" and "Revenue dans la source" in back.moderator_comment


def test_an_entry_a_moderator_archived_stays_archived_when_its_source_still_gives_it(
        app, themes, accounts, clock):
    from app.initiatives.moderation import decide
    trusted = new_source()
    sync(trusted, geojson(PLACES[:2]))
    with write_transaction():  # a moderator's archive outlasts the source
        decide(db.session.get(Initiative, entries(trusted)["lyon-1"].id), "archive",
               moderator=accounts.national, reason="Fermé", expected_version=None)
    run = sync(trusted, geojson(PLACES[:2]))
    assert entries(trusted)["lyon-1"].status == "archived" and run.created == 0


def test_a_harvested_entry_merged_into_another_still_hears_from_its_source(
        app, themes, accounts, clock):
    from app.initiatives.moderation import merge
    source_id = new_source()
    sync(source_id, geojson())
    with write_transaction():
        kept = make_initiative("Fablab des Pentes de la Croix-Rousse", status="published",
                               insee="69123")
        merge(db.session.get(Initiative, entries(source_id)["lyon-1"].id), kept,
              moderator=accounts.national, reason="", expected_version=None)
        kept_id, kept_version = kept.id, kept.version
    assert entries(source_id)["lyon-1"].id == kept_id
    run = sync(source_id, geojson(**{"lyon-1": {"name": "Fablab des Pentes (Lyon 1er)"}}))
    assert counts(run) == {"conflicts": 1, "unchanged": 2} and count(Initiative) == 4
    merged = db.session.get(Initiative, kept_id)
    assert (merged.name, merged.version) == ("Fablab des Pentes de la Croix-Rousse",
                                             kept_version)
    assert db.session.scalar(sa.select(ChangeSet.changes).where(
        ChangeSet.initiative_id == kept_id))["name"] == "Fablab des Pentes (Lyon 1er)"


def test_an_incomplete_pull_archives_nothing(app, themes, clock):
    source_id = new_source("maillage")
    sync(source_id, None, features=features())
    run = sync(source_id, None, features=features(PLACES[:1]), complete=False)
    assert run.outcome == "ok" and run.archived == 0
    assert {i.status for i in entries(source_id).values()} == {"published"}


def test_an_untrusted_source_waits_for_moderators(app, themes, accounts, clock):
    source_id = new_source(trusted=False)
    run = sync(source_id, geojson())
    assert counts(run) == {"proposed": 3}
    lyon = entries(source_id)["lyon-1"]
    assert lyon.status == "pending"
    with write_transaction():
        from app.initiatives.moderation import decide
        decide(db.session.get(Initiative, lyon.id), "approve", moderator=accounts.national,
               expected_version=None)
    run = sync(source_id, geojson(**{"lyon-1": {"name": "Fablab des Pentes (Croix-Rousse)"}}))
    assert counts(run) == {"proposed": 1, "unchanged": 2}
    lyon = entries(source_id)["lyon-1"]
    assert lyon.name == "Fablab des Pentes"  # the live record waits for the decision
    change_set = db.session.scalar(sa.select(ChangeSet).where(ChangeSet.initiative_id == lyon.id))
    assert (change_set.status, change_set.changes["name"]) == (
        "pending", "Fablab des Pentes (Croix-Rousse)")
    # The same content read again proposes nothing twice.
    run = sync(source_id, geojson(**{"lyon-1": {"name": "Fablab des Pentes (Croix-Rousse)"},
                                     "dijon-3": {"summary": "Un tiers-lieu."}}))
    assert count(ChangeSet, ChangeSet.initiative_id == lyon.id) == 1


def test_a_local_edit_is_never_overwritten_the_conflict_goes_to_moderators(
        app, themes, accounts, clock):
    source_id = new_source()
    sync(source_id, geojson())
    cluny = entries(source_id)["cluny-2"]
    local = {"description": "Ouvert le samedi, outils prêtés."}
    with write_transaction():
        update_initiative(db.session.get(Initiative, cluny.id), local,
                          author=accounts.national, reason="Horaires")
    # Another row changes: the local edit stays as it is.
    run = sync(source_id, geojson(**{"lyon-1": {"summary": "Découpe laser."}}))
    assert counts(run) == {"updated": 1, "unchanged": 2}
    assert entries(source_id)["cluny-2"].description == local["description"]
    # The edited row changes at the source too: a change set, the live record kept.
    changed = {"lyon-1": {"summary": "Découpe laser."}, "cluny-2": {"name": "Vélo Cluny"}}
    run = sync(source_id, geojson(**changed))
    assert counts(run) == {"conflicts": 1, "unchanged": 2}
    cluny = entries(source_id)["cluny-2"]
    assert (cluny.name, cluny.description) == ("Atelier vélo de Cluny", local["description"])
    change_set = db.session.scalar(sa.select(ChangeSet).where(ChangeSet.initiative_id == cluny.id))
    assert change_set.changes["name"] == "Vélo Cluny"
    assert "conflit" in change_set.message and "modifiée ici" in run.message
    # Read again, the same conflict is not proposed twice.
    run = sync(source_id, geojson(**changed, **{"dijon-3": {"summary": "Canal."}}))
    assert count(ChangeSet) == 1 and run.conflicts == 0


def test_a_local_edit_of_a_field_the_source_does_not_give_lets_its_changes_through(
        app, themes, accounts, clock):
    source_id = new_source()
    sync(source_id, geojson())
    cluny = entries(source_id)["cluny-2"]
    with write_transaction():
        update_initiative(db.session.get(Initiative, cluny.id), {"summary": "Le samedi."},
                          author=accounts.national, reason="Résumé")
    run = sync(source_id, geojson(**{"cluny-2": {"name": "Vélo Cluny"}}))
    assert counts(run) == {"updated": 1, "unchanged": 2}
    assert (entries(source_id)["cluny-2"].name, entries(source_id)["cluny-2"].summary) == (
        "Vélo Cluny", "Le samedi.")


def test_a_new_entry_like_a_known_one_goes_to_moderators_not_twice(app, themes, clock):
    known = make_initiative("Fablab des Pentes", status="published", lon=4.8331, lat=45.7701,
                            insee=None)
    source_id = new_source()
    run = sync(source_id, geojson())
    assert counts(run) == {"created": 2, "proposed": 1}
    twin = entries(source_id)["lyon-1"]
    assert twin.status == "pending" and twin.id != known.id
    assert f"n° {known.id}" in run.message
    run = sync(source_id, geojson(**{"cluny-2": {"summary": "Réparations."}}))
    assert count(Initiative) == 4


def test_a_source_that_fails_changes_nothing_and_is_tried_again_later(app, themes, clock):
    source_id = new_source()
    sync(source_id, geojson())
    published = {i.id: i.version for i in entries(source_id).values()}
    for body, words in ((b"{not json", "JSON invalide"),
                        (b'[{"id": "a", "nom": "A", "source": "s", "date_maj": "2025-01-01"}]',
                         "n'est pas au format attendu"),
                        (b'{"type": "FeatureCollection", "features": []}', "aucune entrée")):
        run = sync(source_id, body)
        assert run.outcome == "failed" and words in run.message, run.message
    source = db.session.get(HarvestSource, source_id)
    assert words in source.last_error and source.consecutive_failures == 3
    assert source.next_due_at == utcnow() + timedelta(hours=1)
    assert {i.id: i.version for i in entries(source_id).values()} == published
    assert {i.status for i in entries(source_id).values()} == {"published"}
    sync(source_id, geojson(**{"lyon-1": {"summary": "Retour."}}))
    source = db.session.get(HarvestSource, source_id)
    assert (source.last_error, source.consecutive_failures) == (None, 0)
