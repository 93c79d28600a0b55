"""The Content-Security-Policy, in real Chromium: every page with a script or a map runs with
no violation at all, and its map still works (clusters, popup, draggable pin).

Debian's Chromium (/usr/bin/chromium) driven by Playwright, as in tests/browser/.
"""

import re

import pytest

from app.accounts.services import create_user
from app.database import write_transaction
from app.extensions import db
from app.models import ChangeSet, Initiative
from tests.browser.conftest import ServerThread, open_page, site_app, wait_for_map
from tests.factories import PASSWORD, follow_up_path, proposal_data

pytestmark = pytest.mark.browser
MODERATOR = "moderation@example.fr"
LAON = "02408"  # a commune with a single seed initiative
# Installed before any script of the page: every violation the browser reports is kept.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', event => window.__violations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} ` +
    `(${event.sourceFile}:${event.lineNumber}) ${event.sample}`));
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The seeded app with a moderator, a pending proposal and a pending correction."""
    app = site_app(tmp_path_factory.mktemp("csp-db"), FORM_MIN_SECONDS=0)
    with app.app_context():
        with write_transaction():
            create_user(MODERATOR, PASSWORD, "moderator")
        client = app.test_client()
        proposal = follow_up_path(client.post("/initiatives/new", data=proposal_data()))
        published = db.session.scalar(db.select(Initiative).where(  # one with a point
            Initiative.status == "published", Initiative.lon.is_not(None)
        ).order_by(Initiative.id))
        correction = follow_up_path(client.post(
            f"/initiatives/{published.id}/correction",
            data=proposal_data(name=published.name, summary="Un résumé corrigé",
                               message="Le résumé a changé")))
        pending = db.session.scalar(db.select(Initiative.id).where(
            Initiative.status == "pending"))
        change_set = db.session.scalar(db.select(ChangeSet.id))
        paths = {
            "proposal_follow_up": proposal, "correction_follow_up": correction,
            "published": f"/initiatives/{published.id}",
            "correction": f"/initiatives/{published.id}/correction",
            "pending": f"/moderation/initiatives/{pending}",
            "change_set": f"/moderation/change-sets/{change_set}",
            "territory": f"/territoires/{published.departement}",
        }
        db.engine.dispose()
    with ServerThread(app) as server:
        yield server, paths


@pytest.fixture
def browse(browser, site):
    """A fresh browser context that records CSP violations, console errors and page errors."""
    server, paths = site
    context, page = open_page(browser, server, viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD_VIOLATIONS)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(f"console: {message.text}")
            if message.type == "error" or "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: problems.append(f"error: {error}"))

    def go(path: str):
        response = page.goto(server.url + path)
        assert response.status == 200, path
        assert "'nonce-" in response.headers["content-security-policy"], path
        return page

    def violations() -> list[str]:
        return [*problems, *page.evaluate("() => window.__violations")]

    go.page, go.paths, go.violations = page, paths, violations
    yield go
    context.close()


def sign_in(browse) -> None:
    page = browse("/login")
    page.get_by_label(re.compile("^Adresse e-mail")).fill(MODERATOR)
    page.get_by_label(re.compile("^Mot de passe")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("connecter", re.I)).click()
    page.wait_for_url(re.compile(r"/$"))


def pin_is_placed(page) -> None:
    """The location map shows its pin (at the form's point, or its commune's), on tiles."""
    page.locator(".leaflet-marker-icon").wait_for()
    page.locator(".leaflet-tile-loaded").first.wait_for()


def test_map_pages_run_without_any_violation_and_their_maps_work(browse):
    page = browse("/")
    assert wait_for_map(page) > 1
    page.locator(".initiative-cluster").first.wait_for()
    assert browse.violations() == []
    page = browse(f"/?commune={LAON}")
    assert wait_for_map(page) == 1
    page.locator(".initiative-marker").click()
    page.locator(".initiative-popup__title").wait_for()
    page.locator(".leaflet-tile-loaded").first.wait_for()
    assert browse.violations() == []
    for name in ("published", "territory"):
        page = browse(browse.paths[name])
        page.locator(".leaflet-overlay-pane path").first.wait_for()
        page.locator(".leaflet-tile-loaded").first.wait_for()
        assert browse.violations() == [], name
    page = browse("/embed")
    assert wait_for_map(page) > 1
    browse("/initiatives")
    browse("/login")
    assert browse.violations() == []


def test_the_location_pin_is_placed_and_dragged_without_any_violation(browse):
    page = browse("/initiatives/new")
    page.locator("#commune").press_sequentially("clu", delay=60)
    page.get_by_role("option", name=re.compile(r"^Cluny \(71250")).click()
    pin_is_placed(page)
    before = page.locator("#lon").input_value()
    box = page.locator(".leaflet-marker-icon").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 80, box["y"] + 40, steps=8)
    page.mouse.up()
    page.wait_for_function(f"() => document.querySelector('#lon').value !== {before!r}")
    assert page.locator("#lat").input_value()
    assert browse.violations() == []
    for name in ("correction", "proposal_follow_up"):
        pin_is_placed(browse(browse.paths[name]))
        assert browse.violations() == [], name
    browse(browse.paths["correction_follow_up"])
    assert browse.violations() == []


def test_moderation_pages_run_without_any_violation(browse):
    sign_in(browse)
    page = browse(browse.paths["pending"])
    page.locator(".leaflet-tile-loaded").first.wait_for()
    pin_is_placed(browse(browse.paths["pending"] + "/edit"))
    browse(browse.paths["change_set"])
    browse("/moderation/")
    assert browse.violations() == []


def test_a_script_without_the_nonce_is_blocked_and_reported(browse):
    """The recorder works, and the policy is enforced: an injected inline script never runs."""
    page = browse("/")
    page.evaluate("""() => {
        const script = document.createElement('script');
        script.textContent = 'window.__ran = true';
        document.body.append(script);
    }""")
    page.wait_for_function("() => window.__violations.length > 0")
    assert page.evaluate("() => window.__ran") is None
    assert any("script-src" in violation for violation in browse.violations())
