"""Harvest end to end (issue 17.4, 17.5): `flask sources` and the jobs against real HTTP
servers on loopback serving real files — added, synced, changed, shrunk and broken, with
conditional requests, nothing lost and no duplicate; another Maillage read through its API."""

import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.initiatives.services import update_initiative
from app.jobs.registry import job_named
from app.jobs.runner import run_job
from app.models import ChangeSet, HarvestSource, Initiative
from tests.factories import count
from tests.harvest_files import PLACES, UMAP_FIXTURES, geojson
from tests.test_harvest_sync import entries

GEOJSON = "application/geo+json"


def add(runner, url: str, *options: str, name: str = "Lieux") -> int:
    result = runner.invoke(args=["sources", "add", url, "--name", name, *options])
    assert result.exit_code == 0, result.output
    return db.session.scalar(sa.select(HarvestSource.id).where(HarvestSource.name == name))


def sync(runner, name: str = "Lieux", *options: str):
    result = runner.invoke(args=["sources", "sync", name, *options])
    db.session.expire_all()
    return result


def test_a_source_is_added_synced_changed_shrunk_and_read_again_only_when_changed(
        app, themes, runner, harvest_server, clock):
    harvest_server.put("/lieux.geojson", geojson(), GEOJSON)
    source_id = add(runner, harvest_server.url("/lieux.geojson"), "--format", "geojson",
                    "--trusted", "--allow-private", "--every", "1h")
    result = sync(runner)
    assert result.exit_code == 0 and "ok — 3 created" in result.output, result.output
    # Unchanged: a conditional request answered 304, nothing written.
    result = sync(runner)
    assert "unchanged" in result.output
    assert harvest_server.requests_to("/lieux.geojson")[-1]["if-none-match"]
    # Changed, then shrunk: the same entries updated, the one gone archived.
    harvest_server.put("/lieux.geojson", geojson(PLACES[:2], **{
        "lyon-1": {"name": "Fablab des Pentes (Croix-Rousse)"}}), GEOJSON)
    result = sync(runner)
    assert "1 updated, 1 unchanged, 1 archived" in result.output, result.output
    assert {key: (i.status, i.name) for key, i in entries(source_id).items()} == {
        "lyon-1": ("published", "Fablab des Pentes (Croix-Rousse)"),
        "cluny-2": ("published", "Atelier vélo de Cluny"),
        "dijon-3": ("archived", "Tiers-lieu du Port du Canal")}
    assert count(Initiative) == 3
    listed = runner.invoke(args=["sources", "list"]).output
    assert "Lieux [geojson, trusted, private addresses allowed]" in listed


def test_a_broken_source_changes_nothing_says_why_and_is_retried(
        app, themes, runner, harvest_server, clock):
    harvest_server.put("/lieux.geojson", geojson(), GEOJSON)
    source_id = add(runner, harvest_server.url("/lieux.geojson"), "--format", "geojson",
                    "--trusted", "--allow-private")
    sync(runner)
    versions = {i.id: i.version for i in entries(source_id).values()}
    app.config["HARVEST_TIMEOUT"] = 1
    breakages = [
        (lambda: harvest_server.fail("/lieux.geojson", 404), "404"),
        (lambda: harvest_server.put("/lieux.geojson", b'{"type": "FeatureColl', GEOJSON),
         "JSON invalide"),
        (lambda: harvest_server.put("/lieux.geojson", geojson(), GEOJSON, delay=3), "délai"),
    ]
    for failures, (break_it, words) in enumerate(breakages, start=1):
        break_it()
        result = sync(runner)
        assert result.exit_code == 1 and "failed" in result.output
        source = db.session.get(HarvestSource, source_id)
        assert words in source.last_error, source.last_error
        assert source.consecutive_failures == failures
        assert {i.id: i.version for i in entries(source_id).values()} == versions
    assert {i.status for i in entries(source_id).values()} == {"published"}


def test_loopback_is_refused_unless_the_source_allows_private_addresses(
        app, themes, runner, harvest_server, clock):
    harvest_server.put("/lieux.geojson", geojson(), GEOJSON)
    add(runner, harvest_server.url("/lieux.geojson"), "--format", "geojson")
    result = sync(runner)
    assert result.exit_code == 1 and count(Initiative) == 0
    assert harvest_server.requests_to("/lieux.geojson") == []
    runner.invoke(args=["sources", "pause", "Lieux"])
    assert db.session.scalar(sa.select(HarvestSource.paused))


def test_a_moderated_source_and_a_local_edit_through_the_server(
        app, themes, accounts, runner, harvest_server, clock):
    harvest_server.put("/lieux.geojson", geojson(), GEOJSON)
    source_id = add(runner, harvest_server.url("/lieux.geojson"), "--format", "geojson",
                    "--allow-private")
    sync(runner)
    assert {i.status for i in entries(source_id).values()} == {"pending"}
    harvest_server.put("/lieux.geojson", geojson(**{"cluny-2": {"name": "Vélo Cluny"}}),
                       GEOJSON)
    sync(runner)
    assert entries(source_id)["cluny-2"].name == "Vélo Cluny"  # still a proposal
    cluny = entries(source_id)["cluny-2"]
    with write_transaction():
        from app.initiatives.moderation import decide
        entry = db.session.get(Initiative, cluny.id)
        decide(entry, "approve", moderator=accounts.national, expected_version=None)
        update_initiative(entry, {"name": "Atelier vélo (Cluny)"}, author=accounts.national)
    harvest_server.put("/lieux.geojson", geojson(**{"cluny-2": {"name": "Vélo de Cluny"}}),
                       GEOJSON)
    result = sync(runner)
    assert "1 conflicts" in result.output, result.output
    assert entries(source_id)["cluny-2"].name == "Atelier vélo (Cluny)"
    assert db.session.scalar(sa.select(ChangeSet.changes))["name"] == "Vélo de Cluny"


def test_the_job_syncs_the_due_sources_and_not_the_paused_ones(
        app, themes, runner, harvest_server, clock):
    harvest_server.put("/carte.umap", (UMAP_FIXTURES / "test_upload_data.umap").read_bytes(),
                       "application/json")
    harvest_server.put("/lieux.geojson", geojson(), GEOJSON)
    add(runner, harvest_server.url("/carte.umap"), "--format", "umap", "--trusted",
        "--allow-private", name="Carte")
    add(runner, harvest_server.url("/lieux.geojson"), "--format", "geojson",
        "--allow-private")
    runner.invoke(args=["sources", "pause", "Lieux"])
    outcome = run_job(job_named("sources"), force=True)
    assert (outcome.status, outcome.summary) == ("done", "1 ok"), outcome
    assert harvest_server.requests_to("/lieux.geojson") == []
    assert count(Initiative) == 1  # Lille; the rest of the map lies abroad
    # Not due again before its interval: the next run reads nothing.
    assert run_job(job_named("sources"), force=True).summary == ""


def test_another_maillage_is_harvested_through_its_api(app, themes, runner, maillage_peer,
                                                       clock):
    source_id = add(runner, maillage_peer.url, "--format", "maillage", "--trusted",
                    "--allow-private", name="Voisin")
    result = sync(runner, "Voisin")
    assert "ok — 5 created" in result.output, result.output
    assert {i.name for i in entries(source_id).values()} == set(maillage_peer.names)
    assert all(":" in key for key in entries(source_id))  # host:uid, stable
    # Asked again: only what changed since (none), and nothing is archived.
    clock.advance(hours=2)
    result = sync(runner, "Voisin")
    assert "unchanged" in result.output, result.output
    assert {i.status for i in entries(source_id).values()} == {"published"}
