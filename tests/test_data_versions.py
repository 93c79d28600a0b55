"""The data version (issue 19): every kind of write changes it, and so every tile's ETag,
on either database; reading it costs one query over a few rows."""

import pytest
import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.initiatives.data_versions import SLOTS, data_version
from app.initiatives.erasure import erase_initiative
from app.initiatives.moderation import decide
from app.initiatives.services import update_initiative
from app.initiatives.themes import save_theme
from app.models import Initiative, Theme
from tests.factories import make_initiative, recorded_statements
from tests.harvest_files import geojson
from tests.test_harvest_end_to_end import GEOJSON, add, sync
from tests.test_import import commit

pytestmark = pytest.mark.usefixtures("app")
CLUNY_TILE = "/api/v1/map/tiles/9/262/179.json"  # Cluny and its neighbours at zoom 9


def tile_etag(client, query: str = "") -> str:
    response = client.get(CLUNY_TILE + query)
    assert response.status_code == 200
    return response.headers["ETag"]


def changes_everything(client, write) -> None:
    """The write changes the data version and the tile's ETag, which a client's copy then
    no longer matches (200 instead of 304)."""
    version, etag = data_version(), tile_etag(client)
    assert client.get(CLUNY_TILE, headers={"If-None-Match": etag}).status_code == 304
    write()
    db.session.expire_all()
    assert data_version() != version
    again = client.get(CLUNY_TILE, headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["ETag"] != etag


@pytest.fixture
def cluny(themes) -> Initiative:
    return make_initiative("À Cluny", status="published", insee=None, lon=4.6594, lat=46.4336)


def edited(initiative_id: int, **changes):
    def write():
        with write_transaction():
            initiative = db.session.get(Initiative, initiative_id)
            update_initiative(initiative, changes, author=None)
    return write


def decided(initiative_id: int, decision: str):
    def write():
        with write_transaction():
            initiative = db.session.get(Initiative, initiative_id)
            decide(initiative, decision, moderator=None, expected_version=initiative.version)
    return write


def test_a_creation_changes_the_version(client, cluny):
    changes_everything(client, lambda: make_initiative(
        "Voisine", status="published", insee=None, lon=4.66, lat=46.43))


def test_an_edit_changes_the_version(client, cluny):
    changes_everything(client, edited(cluny.id, name="À Cluny, renommée"))


def test_publishing_and_archiving_change_the_version(client, themes):
    pending = make_initiative("En attente", insee=None, lon=4.6594, lat=46.4336)
    changes_everything(client, decided(pending.id, "approve"))
    changes_everything(client, decided(pending.id, "archive"))


def test_an_erasure_changes_the_version(client, cluny, accounts):
    def write():
        with write_transaction():
            erase_initiative(db.session.get(Initiative, cluny.id),
                             admin=db.session.merge(accounts.admin), reason="Doublon")
    changes_everything(client, write)


def test_a_theme_relabelled_changes_the_version(client, cluny):
    def write():
        with write_transaction():
            theme = db.session.scalar(sa.select(Theme).where(Theme.slug == "gestion-de-crise"))
            save_theme({"label_fr": "Crises", "label_en": theme.label_en,
                        "colour": theme.colour, "slug": theme.slug,
                        "parent_id": theme.parent_id}, theme)
    changes_everything(client, write)


def test_an_import_changes_the_version(client, cluny):
    changes_everything(client, lambda: commit("name,lat,lon\nAtelier,46.434,4.659\n",
                                              status="published"))


def test_a_harvest_changes_the_version(client, cluny, runner, harvest_server):
    harvest_server.put("/lieux.geojson", geojson(), GEOJSON)
    add(runner, harvest_server.url("/lieux.geojson"), "--format", "geojson", "--trusted",
        "--allow-private")
    changes_everything(client, lambda: sync(runner))


def test_a_write_in_sql_around_the_app_changes_the_version(client, cluny):
    def write():
        with write_transaction():
            db.session.execute(sa.text("UPDATE initiatives SET status = 'archived'"))
    changes_everything(client, write)


def test_a_rolled_back_write_leaves_the_version(client, cluny):
    version = data_version()
    with pytest.raises(RuntimeError), write_transaction():
        db.session.execute(sa.text("UPDATE initiatives SET name = 'Autre'"))
        raise RuntimeError("changed my mind")
    assert data_version() == version


def test_a_tile_revalidation_reads_the_version_and_no_row(client, cluny):
    etag = tile_etag(client)
    with recorded_statements() as statements:
        assert client.get(CLUNY_TILE, headers={"If-None-Match": etag}).status_code == 304
    assert len(statements) == 1 and "data_versions" in statements[0]
    assert "initiatives" not in statements[0]


def test_filters_and_tiles_have_etags_of_their_own(client, cluny):
    assert tile_etag(client) != tile_etag(client, "?kind=place")
    assert tile_etag(client) == tile_etag(client)
    other = client.get("/api/v1/map/tiles/9/263/179.json").headers["ETag"]
    assert other != tile_etag(client)


def test_the_version_holds_an_epoch_and_every_slot(app):
    epoch, *slots = data_version().split(".")
    assert len(slots) == SLOTS and int(epoch) > 0
