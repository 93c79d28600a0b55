"""The header of a signed-in moderator, the widest there is, at the usual screen widths."""

import re

import pytest

from app.accounts.services import create_user
from app.database import write_transaction
from tests.browser.conftest import ServerThread, open_page, screenshot, site_app
from tests.factories import PASSWORD, make_initiative

MODERATOR = "moderation@example.fr"
WIDTHS = (375, 768, 1024, 1280, 1440, 1920)
# Every box of the header a person reads or uses, in the order of the page.
HEADER_ITEMS = (".brand, .language-switcher li, .site-nav li")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The seeded app with a moderator of all France and a dozen proposals waiting (a
    two-digit badge)."""
    app = site_app(tmp_path_factory.mktemp("header-db"))
    with app.app_context():
        with write_transaction():
            create_user(MODERATOR, PASSWORD, "moderator", "Modération")
        for number in range(12):
            make_initiative(f"Proposition {number}", private_email=None, themes=None)
    with ServerThread(app) as running:
        yield running


@pytest.fixture
def moderator_page(browser, server):
    """A page signed in as the moderator; its viewport is set by each test."""
    context, page = open_page(browser, server, viewport={"width": 1280, "height": 800})
    page.goto(page.base_url + "/login")
    page.get_by_label(re.compile(r"^Adresse e-mail")).fill(MODERATOR)
    page.get_by_label(re.compile(r"^Mot de passe")).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_selector("#nav-moderation .badge")
    yield page
    context.close()


def item_boxes(page) -> list[dict]:
    """The boxes of the header items shown (a folded menu's items have none)."""
    return page.eval_on_selector_all(HEADER_ITEMS, """items => items.map(item => {
        const box = item.getBoundingClientRect();
        return {text: item.textContent.trim(), top: box.top, bottom: box.bottom,
                left: box.left, right: box.right, shown: item.checkVisibility()};
    }).filter(box => box.shown)""")


def rows_of(boxes: list[dict]) -> list[list[str]]:
    """The items' first words, line by line and left to right: a box starting below the
    bottom of the line so far opens the next one."""
    rows, bottom = [], None
    for box in sorted(boxes, key=lambda box: box["top"]):
        if bottom is None or box["top"] >= bottom:
            rows.append([])
        rows[-1].append(box)
        bottom = max(box["bottom"] for box in rows[-1])
    return [[box["text"].split()[0] for box in sorted(row, key=lambda box: box["left"])]
            for row in rows]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_moderator_header_is_one_row_at_1280_px(moderator_page, lang):
    moderator_page.goto(moderator_page.base_url + f"/initiatives?lang={lang}")
    rows = rows_of(item_boxes(moderator_page))
    screenshot(moderator_page, f"header-moderator-1280-{lang}")
    assert len(rows) == 1, rows
    assert rows[0][-1] in ("English", "Français")  # the language switcher ends the line


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_moderator_header_wraps_without_overflow(moderator_page, lang, width):
    moderator_page.set_viewport_size({"width": width, "height": 800})
    moderator_page.goto(moderator_page.base_url + f"/initiatives?lang={lang}")
    if moderator_page.locator(".menu-button").is_visible():  # phones: the menu opened
        moderator_page.locator(".menu-button").click()
    screenshot(moderator_page, f"header-moderator-{width}-{lang}")
    boxes = item_boxes(moderator_page)
    assert all(0 <= box["left"] and box["right"] <= width for box in boxes), boxes
    assert moderator_page.evaluate("document.documentElement.scrollWidth") <= width
    rows = rows_of(boxes)
    assert rows[0][0] == "Maillage" and rows[0][-1] in ("English", "Français"), rows


def test_account_menu_opens_from_the_keyboard_with_the_role_tools(moderator_page):
    moderator_page.goto(moderator_page.base_url + "/initiatives")
    account = moderator_page.locator(".account-menu summary")
    assert not moderator_page.get_by_role("link", name="Importer").is_visible()
    account.focus()
    moderator_page.keyboard.press("Enter")
    importer = moderator_page.get_by_role("link", name="Importer")
    assert importer.is_visible()
    assert moderator_page.get_by_role("link", name="Administration").count() == 0
    screenshot(moderator_page, "header-account-menu-1280")
    moderator_page.keyboard.press("Tab")  # the tools follow the summary
    moderator_page.keyboard.press("Escape")
    assert not importer.is_visible()
    assert moderator_page.evaluate("() => document.activeElement.tagName") == "SUMMARY"
    account.click()
    importer.click()
    moderator_page.wait_for_url(re.compile(r"/import$"))
