"""Every file format a harvest source may have, through a real HTTP server on loopback and
`flask sources` (issue 17's "done when"): added, synced, read again unchanged, changed,
shrunk and broken — with nothing lost, nothing deleted and no duplicate."""

import csv
import io

import orjson
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import HarvestSource, Initiative
from tests.factories import count
from tests.harvest_files import PLACES, UMAP_FIXTURES, feature, mediation_rows
from tests.test_harvest_end_to_end import add, sync
from tests.test_harvest_sync import entries
from tests.test_standard_imports import DI_SERVICE

CHANGED = "Ouvert à tous, le samedi aussi."


def geojson_body(places, changed):
    return orjson.dumps({"type": "FeatureCollection", "features": [
        feature(key, name, lon, lat, **({"description": CHANGED} if key == changed else {}))
        for key, name, lon, lat in places]})


def umap_body(places, changed):
    """A uMap map file: features without ids (known by a hash of name, point and commune)."""
    document = orjson.loads((UMAP_FIXTURES / "test_upload_data.umap").read_bytes())
    layer = geojson_body(places, changed)
    features = [{**item, "id": None} for item in orjson.loads(layer)["features"]]
    document["layers"] = [{**document["layers"][0],
                           "features": [{k: v for k, v in item.items() if k != "id"}
                                        for item in features]}]
    return orjson.dumps(document)


def csv_body(places, changed):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Ref", "Lieu", "Présentation", "X", "Y"])
    for key, name, lon, lat in places:
        description = CHANGED if key == changed else f"{name}, ouvert à tous."
        writer.writerow([key, name, description, lon, lat])
    return out.getvalue().encode()


def mediation_body(places, changed):
    body = mediation_rows(len(places))
    return body.replace(b"https://lieu-1.example.org",
                        b"https://lieu-1.example.net") if changed else body


def data_inclusion_body(places, changed):
    return orjson.dumps([
        {**DI_SERVICE, "id": f"dora--{key}", "nom": name, "telephone": f"+3338559123{number}",
         "courriel": f"atelier{number}@example.org",
         "description": CHANGED if f"dora--{key}" == changed else DI_SERVICE["description"]}
        for number, (key, name, _lon, _lat) in enumerate(places)])


# format: (body builder, content type, options of `sources add`, the key changed, broken body)
FORMATS = {
    "geojson": (geojson_body, "application/geo+json", [], "lyon-1", b'{"type": "Feature'),
    "umap": (umap_body, "application/json", [], "lyon-1", b"<html>moved</html>"),
    "csv": (csv_body, "text/csv", ["--map", "id=Ref", "--map", "name=Lieu",
                                   "--map", "description=Présentation",
                                   "--map", "lon=X", "--map", "lat=Y"],
            "lyon-1", b"Ref;Nom\n"),
    "mediation-num": (mediation_body, "text/csv", [], "structure-1", b"id;nom\nx;y\n"),
    "data-inclusion": (data_inclusion_body, "application/json", [], "dora--lyon-1",
                       b'[{"id": '),
}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_each_format_is_synced_changed_shrunk_and_broken_without_loss_or_duplicate(
        app, themes, runner, harvest_server, clock, fmt):
    build, content_type, options, changed, broken = FORMATS[fmt]
    path = f"/source-{fmt}"
    harvest_server.put(path, build(PLACES, None), content_type)
    source_id = add(runner, harvest_server.url(path), "--format", fmt, "--trusted",
                    "--allow-private", *options)
    result = sync(runner)
    assert result.exit_code == 0 and "3 created" in result.output, result.output
    assert "unchanged" in sync(runner).output
    # Changed: the same entry is updated, nothing is created.
    harvest_server.put(path, build(PLACES, changed), content_type)
    result = sync(runner)
    assert "1 updated" in result.output and count(Initiative) == 3, result.output
    # Shrunk: the entry gone is archived, never deleted.
    harvest_server.put(path, build(PLACES[:2], changed), content_type)
    result = sync(runner)
    assert "1 archived" in result.output, result.output
    statuses = sorted(i.status for i in entries(source_id).values())
    assert statuses == ["archived", "published", "published"]
    # Broken: an unreadable body, then a 404, change nothing published.
    before = {key: (i.status, i.version) for key, i in entries(source_id).items()}
    for break_it in (lambda: harvest_server.put(path, broken, content_type),
                     lambda: harvest_server.fail(path, 404)):
        break_it()
        result = sync(runner)
        assert result.exit_code == 1 and "failed" in result.output, result.output
        assert {key: (i.status, i.version) for key, i in entries(source_id).items()} == before
    assert db.session.get(HarvestSource, source_id).consecutive_failures == 2
    # Repaired: read again, nothing duplicated.
    harvest_server.put(path, build(PLACES[:2], changed), content_type)
    result = sync(runner)
    assert result.exit_code == 0 and count(Initiative) == 3, result.output
    # The entry gone comes back: published again, not created twice.
    harvest_server.put(path, build(PLACES, changed), content_type)
    result = sync(runner)
    assert "revenue dans la source : republiée" in result.output, result.output
    assert count(Initiative) == 3
    assert {i.status for i in entries(source_id).values()} == {"published"}


def test_another_maillage_is_followed_through_changes_removals_and_failures(
        app, themes, runner, maillage_peer, harvest_server, clock):
    from app.database import write_transaction
    from app.initiatives.moderation import decide
    from app.initiatives.services import update_initiative

    def on_peer(name: str, change) -> None:
        with maillage_peer.app.app_context(), write_transaction():
            change(db.session.scalar(sa.select(Initiative).where(Initiative.name == name)))

    source_id = add(runner, maillage_peer.url, "--format", "maillage", "--trusted",
                    "--allow-private", name="Lieux")
    assert "5 created" in sync(runner).output
    on_peer("Fab lab de Bordeaux",
            lambda entry: update_initiative(entry, {"summary": "Ouvert le samedi."}, author=None))
    clock.advance(hours=2)
    result = sync(runner)
    assert "1 updated" in result.output, result.output
    by_name = {i.name: i for i in entries(source_id).values()}
    assert by_name["Fab lab de Bordeaux"].summary == "Ouvert le samedi."
    # Removed there: an incremental read cannot tell, the full one archives it.
    on_peer("Jardin partagé des Chartrons", lambda entry: decide(
        entry, "archive", moderator=None, reason="Fermé", expected_version=None))
    clock.advance(hours=2)
    result = sync(runner, "Lieux", "--full")
    assert "1 archived" in result.output, result.output
    # Moved away (404): nothing changes; back: nothing duplicated.
    source = db.session.get(HarvestSource, source_id)
    peer_url, before = source.url, {k: (i.status, i.version)
                                    for k, i in entries(source_id).items()}
    with write_transaction():
        db.session.get(HarvestSource, source_id).url = harvest_server.url("/absent")
    assert sync(runner).exit_code == 1
    assert {k: (i.status, i.version) for k, i in entries(source_id).items()} == before
    with write_transaction():
        db.session.get(HarvestSource, source_id).url = peer_url
    clock.advance(hours=2)
    assert sync(runner, "Lieux", "--full").exit_code == 0 and count(Initiative) == 5
