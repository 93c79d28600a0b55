"""Browser tests: the app served by a real server thread, driven by headless Chromium.

The app runs on its own seeded SQLite file (not the session's test database, which other
tests empty), tiles are answered by a stub, and Debian's Chromium is used: no browser is
ever downloaded.
"""

import base64
import logging
import shutil
import subprocess
import threading
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from app.database import write_transaction
from tests.conftest import POINTS_SEED, PROJECT_ROOT, VENV_BIN, make_app

TILE_HOST = "tiles.test"
TILE_URL = f"http://{TILE_HOST}/{{z}}/{{x}}/{{y}}.png"
# A 1×1 light grey PNG: every tile of the stub tile server.
TILE_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGN48eYDAAWEAsUXo06sAAAAAElFTkSuQmCC"
)
NPM_PREFIX = PROJECT_ROOT / "build" / "npm"
AXE_JS = NPM_PREFIX / "node_modules" / "axe-core" / "axe.min.js"
TRANSLATIONS = PROJECT_ROOT / "app" / "translations"
SCREENSHOTS = Path("/tmp/maillage-screenshots")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def compile_catalogues() -> None:
    """Compile the .po catalogues into .mo files when they are missing or older (make does it)."""
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run([str(VENV_BIN / "pybabel"), "compile", "-d",
                            str(TRANSLATIONS), "-l", po.parent.parent.name], check=True,
                           capture_output=True)


class ServerThread(threading.Thread):
    """A WSGI app served on 127.0.0.1 on a free port, in a daemon thread."""

    def __init__(self, wsgi_app):
        super().__init__(daemon=True)
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
        self.server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def run(self):
        self.server.serve_forever()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()


def site_app(folder: Path, *, seed: bool = True, **overrides):
    """The app on a new migrated SQLite file in `folder` (with the seed and its dossiers), its
    tiles from the stub tile server; the catalogues compiled."""
    from app.initiatives.dossier_seed import load_seed_dossiers
    from app.initiatives.seed import load_seed

    compile_catalogues()
    app = make_app(f"sqlite:///{folder / 'maillage.db'}", TILE_URL=TILE_URL,
                   TILE_ATTRIBUTION="Stub tiles", **overrides)
    with app.app_context():
        upgrade()
        if seed:
            with write_transaction():  # as `flask seed` does
                load_seed(Path(app.config["SEED_PATH"]))
                # Membership from the corpus, which names each entry's dossiers.
                load_seed_dossiers(Path(app.config["SEED_DOSSIERS_PATH"]), CORPUS)
    return app


# The browser tests drive the map's clusters, markers and fitting, which need many points:
# the all-points seed (test_scope_panel drives the corpus itself).
CORPUS = Path(__file__).parents[2] / "geodata" / "seed_corpus.geojson"


@pytest.fixture(scope="session")
def browser_app(tmp_path_factory):
    """The app on its own migrated SQLite file with the all-points seed, published."""
    return site_app(tmp_path_factory.mktemp("browser-db"), SEED_PATH=str(POINTS_SEED))


@pytest.fixture(scope="session")
def live_server(browser_app):
    with ServerThread(browser_app) as server:
        yield server


@pytest.fixture(scope="session")
def other_site():
    """A second origin (another port) whose page frames the URL given in ?src=."""

    def site(environ, start_response):
        from werkzeug.wrappers import Request, Response

        src = escape(Request(environ).args.get("src", ""))
        html = (f'<!doctype html><html lang="fr"><title>Partenaire</title>'
                f'<iframe id="framed" title="Carte" src="{src}" width="600" height="400"></iframe>')
        return Response(html, mimetype="text/html")(environ, start_response)

    with ServerThread(site) as server:
        yield server


class PageRequests(list):
    """Every URL a page asked for."""

    def hosts(self) -> set[str]:
        return {urlsplit(url).netloc for url in self if not url.startswith(("data:", "blob:"))}


def open_page(browser, live_server, **context_options):
    context = browser.new_context(locale="fr-FR", **context_options)
    context.route(f"http://{TILE_HOST}/**", lambda route: route.fulfill(
        status=200, content_type="image/png", body=TILE_PNG))
    page = context.new_page()
    page.requests = PageRequests()
    page.on("request", lambda request: page.requests.append(request.url))
    page.base_url = live_server.url
    return context, page


@pytest.fixture
def page(browser, live_server):
    """A desktop-sized page on the live app, tiles stubbed, requests recorded."""
    context, page = open_page(browser, live_server, viewport={"width": 1280, "height": 900})
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A 375 px wide page, as on a small phone."""
    context, page = open_page(browser, live_server, viewport={"width": 375, "height": 740},
                              device_scale_factor=2, is_mobile=True, has_touch=True)
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core from the npm registry, installed into build/npm (git-ignored) if missing."""
    if not AXE_JS.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to install axe-core (make setup does it).")
        subprocess.run([npm, "install", "--prefix", str(NPM_PREFIX), "--no-audit", "--no-fund",
                        "axe-core@4"], check=True, capture_output=True)
    return AXE_JS


def wait_for_map(page, state: str = "ready") -> int:
    """Wait until our map layer has loaded its points; return how many it has."""
    page.wait_for_selector(f".map-canvas[data-state={state}]", timeout=15_000)
    return int(page.get_attribute(".map-canvas", "data-count") or 0)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.wait_for_timeout(500)  # let Leaflet's zoom and fade animations end
    page.screenshot(path=str(path), full_page=False)
    return path
