"""Map tiles slow to build are shared by the workers and kept across restarts (issue 19)."""

import pytest

from app.api import tiles
from app.caching import page_files, responses
from tests.conftest import make_app
from tests.factories import make_initiative

pytestmark = pytest.mark.usefixtures("app")
WORLD = "/api/v1/map/tiles/0/0/0.json"


@pytest.fixture
def shared(app, tmp_path, monkeypatch):
    """Every tile counts as slow to build; page files in this test's own directory."""
    monkeypatch.setattr(responses, "SHARED_MIN_SECONDS", 0)
    app.config.update(API_PAGE_FILES_DIR=str(tmp_path / "pages"))
    return tmp_path / "pages"


def never_built(*_args):
    raise AssertionError("the tile was built again")


def test_a_tile_built_by_one_worker_is_read_by_another(client, themes, migrated, shared,
                                                       monkeypatch):
    make_initiative("À Cluny", status="published", insee=None, lon=4.6594, lat=46.4336)
    first = client.get(WORLD)
    page_files.settle()
    assert len(list(shared.glob("*.page"))) == 1
    other = make_app(migrated, API_PAGE_FILES_DIR=str(shared))  # another worker, or a restart
    monkeypatch.setattr(tiles, "tile_clusters", never_built)
    again = other.test_client().get(WORLD)
    assert again.status_code == 200 and again.get_data() == first.get_data()
    assert again.headers["ETag"] == first.headers["ETag"]


def test_a_tile_quick_to_build_stays_in_memory(client, themes, app, tmp_path, monkeypatch):
    monkeypatch.setattr(responses, "SHARED_MIN_SECONDS", 3600)  # quicker than that
    app.config.update(API_PAGE_FILES_DIR=str(tmp_path / "pages"))
    make_initiative("À Cluny", status="published", insee=None, lon=4.6594, lat=46.4336)
    assert client.get(WORLD).status_code == 200
    page_files.settle()
    assert not list((tmp_path / "pages").glob("*.page"))


def test_a_change_builds_the_tile_again(client, themes, shared):
    make_initiative("À Cluny", status="published", insee=None, lon=4.6594, lat=46.4336)
    assert client.get(WORLD).get_json()["count"] == 1
    make_initiative("À Bordeaux", status="published", insee=None, lon=-0.5792, lat=44.8378)
    assert client.get(WORLD).get_json()["count"] == 2
