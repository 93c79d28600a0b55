"""Stored hostile text, viewed in real Chromium: no dialog ever opens, no element or handler
is injected, no link leads to script — on the page, in the map's popup, in the list, the
moderation queue, the review and edit pages and the history.

Debian's Chromium (/usr/bin/chromium) driven by Playwright, as in tests/browser/.
"""

import re

import pytest

from app.accounts.services import create_user
from app.database import write_transaction
from app.extensions import db
from app.initiatives import moderation
from app.initiatives.services import create_initiative
from app.initiatives.taxonomy import ensure_default_themes
from app.models import Theme
from tests.browser.conftest import ServerThread, open_page, site_app
from tests.factories import PASSWORD
from tests.security.payloads import ATTRIBUTE_BREAKERS, MARKDOWN_LINKS, MARKER, SCRIPT, URLS

pytestmark = pytest.mark.browser
MODERATOR = "moderation@example.fr"
NAMES = [*SCRIPT, *ATTRIBUTE_BREAKERS]
# What the page's own code never has: inline handlers, elements named by a payload.
INJECTED = f"""() => {{
    const handlers = [...document.querySelectorAll('*')].filter(
        node => [...node.attributes].some(attribute => attribute.name.startsWith('on')));
    const named = document.querySelectorAll('[id*="{MARKER}"], [class*="{MARKER}"]');
    const links = [...document.querySelectorAll('a[href], area[href]')].filter(
        link => !['http:', 'https:', 'mailto:'].includes(link.protocol));
    // The embed's own <base target="_top"> has no href: only a base that moves links counts.
    const frames = document.querySelectorAll('iframe[srcdoc], object, embed, base[href]');
    return [...handlers.map(n => 'handler on <' + n.tagName + '>'),
            ...[...named].map(n => 'element <' + n.tagName + '>'),
            ...links.map(l => 'link ' + l.href), ...[...frames].map(n => '<' + n.tagName + '>'),
            ...(window.__xss ? ['window.__xss set'] : [])];
}}"""


def hostile_values(index: int, name: str) -> dict:
    return {"name": f"Piège{index} {name}", "kind": "initiative", "insee": "71137",
            "lon": 4.63 + (index % 12) * 0.004, "lat": 46.42 + (index % 4) * 0.006,  # in Cluny
            "summary": NAMES[(index + 1) % len(NAMES)],
            "description": "\n\n".join([*MARKDOWN_LINKS, *SCRIPT]),
            "actor_name": NAMES[(index + 2) % len(NAMES)],
            "public_contact": NAMES[(index + 3) % len(NAMES)],
            "website": URLS[-2], "tags": [NAMES[index % len(NAMES)][:60]],
            "themes": ["gestion-de-crise"], "private_email": "secret@example.org"}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """The app with hostile initiatives published, one pending, a hostile theme label."""
    app = site_app(tmp_path_factory.mktemp("xss-db"), seed=False, FORM_MIN_SECONDS=0)
    with app.app_context():
        with write_transaction():
            ensure_default_themes()
            db.session.scalar(db.select(Theme).where(Theme.slug == "gestion-de-crise")) \
                .label_fr = SCRIPT[2]
            moderator = create_user(MODERATOR, PASSWORD, "moderator")
            ids = [create_initiative(hostile_values(index, name), status="published").id
                   for index, name in enumerate(NAMES)]
            pending = create_initiative(hostile_values(99, SCRIPT[0]))
            moderation.decide(pending, "request_changes", moderator=moderator,
                              reason=ATTRIBUTE_BREAKERS[0], expected_version=None)
            pending_id = pending.id
        db.engine.dispose()
    with ServerThread(app) as server:
        yield server, ids, pending_id


@pytest.fixture
def visit(browser, hostile_site):
    """Open pages in a fresh context; every dialog and injection found is recorded."""
    server, _ids, _pending = hostile_site
    context, page = open_page(browser, server, viewport={"width": 1280, "height": 900})
    found: list[str] = []
    page.on("dialog", lambda dialog: (found.append(f"dialog: {dialog.message}"),
                                      dialog.dismiss()))

    def go(path: str):
        page.goto(server.url + path)  # scripts in the markup run while it loads
        found.extend(f"{path}: {problem}" for problem in page.evaluate(INJECTED))
        return page

    go.page, go.found, go.url = page, found, server.url
    yield go
    context.close()


def test_initiative_pages_and_list_show_hostile_text_inert(visit, hostile_site):
    _server, ids, _pending = hostile_site
    for initiative_id in ids:
        page = visit(f"/initiatives/{initiative_id}")
        assert page.locator("h1").inner_text().startswith("Piège")
    visit("/initiatives?q=piege")
    visit("/embed")
    assert visit.found == []


def test_map_popups_show_hostile_text_inert(visit, hostile_site):
    _server, ids, _pending = hostile_site
    for index, _initiative_id in enumerate(ids):
        page = visit(f"/?q=piege{index}")
        page.wait_for_selector(".map-canvas[data-state=ready]", timeout=15_000)
        page.locator(".initiative-marker").first.click()
        title = page.locator(".initiative-popup__title")
        title.wait_for()
        assert title.inner_text() == f"Piège{index} {NAMES[index]}"
        visit.found.extend(page.evaluate(INJECTED))
    assert visit.found == []


def test_moderation_pages_show_hostile_text_inert(visit, hostile_site):
    _server, ids, pending = hostile_site
    page = visit("/login")
    page.get_by_label(re.compile("^Adresse e-mail")).fill(MODERATOR)
    page.get_by_label(re.compile("^Mot de passe")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("connecter", re.I)).click()
    page.wait_for_url(re.compile(r"/$"))
    for path in ("/moderation/", f"/moderation/initiatives/{pending}",
                 f"/moderation/initiatives/{pending}/edit", f"/initiatives/{pending}/history",
                 f"/moderation/initiatives/{ids[0]}", f"/initiatives/{ids[0]}/history"):
        visit(path)
        assert "/login" not in page.url, path
    assert visit.found == []


def test_a_planted_payload_is_caught(visit):
    """The detectors work: the same checks on a page that does run the payload."""
    page = visit.page
    page.set_content(f"<body>{ATTRIBUTE_BREAKERS[0]}{SCRIPT[0]}</body>")
    page.wait_for_timeout(200)
    assert any(problem.startswith("dialog") for problem in visit.found)
    assert page.evaluate(INJECTED)


def test_proposal_form_preview_shows_hostile_markdown_inert(visit):
    page = visit("/initiatives/new")
    page.get_by_label(re.compile(r"^Nom de l'initiative")).fill("Aperçu")
    page.locator("#description").fill("\n\n".join([*MARKDOWN_LINKS, *SCRIPT]))
    page.get_by_role("button", name="Aperçu de la description").click()
    page.locator(".preview .markdown").wait_for()
    visit.found.extend(page.evaluate(INJECTED))
    assert visit.found == []
