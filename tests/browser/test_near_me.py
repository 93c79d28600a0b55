"""The "Autour de moi" button: the browser's position fills `near`, a refusal is explained."""

import re
from urllib.parse import parse_qs, urlsplit

from tests.browser.conftest import open_page

PARIS = {"longitude": 2.3522, "latitude": 48.8566}


def test_near_me_lists_the_nearest_initiatives_first(browser, live_server):
    context, page = open_page(browser, live_server, viewport={"width": 1280, "height": 900},
                              geolocation=PARIS, permissions=["geolocation"])
    try:
        page.goto(f"{page.base_url}/initiatives")
        button = page.get_by_role("button", name="Autour de moi")
        assert button.is_visible()
        with page.expect_navigation():
            button.click()
        query = parse_qs(urlsplit(page.url).query)
        assert query["near"] == ["2.35220,48.85660"]
        distances = page.locator(".result__distance").all_inner_texts()
        assert distances, "the list should show how far each initiative is"
        metres = [to_metres(text) for text in distances]
        assert metres == sorted(metres)
        assert page.locator("#sort").input_value() == "distance"
    finally:
        context.close()


def test_a_refused_position_is_explained_next_to_the_field(browser, live_server):
    context, page = open_page(browser, live_server, viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{page.base_url}/initiatives")
        page.get_by_role("button", name="Autour de moi").click()
        status = page.locator(".near__status")
        status.filter(has_text="refusée").wait_for()
        assert page.url.endswith("/initiatives")
        assert page.evaluate("document.activeElement.id") == "filter-near"
    finally:
        context.close()


def to_metres(text: str) -> float:
    """"à 1,2 km" → 1200.0; "à 850 m" → 850.0."""
    number, unit = re.fullmatch(r"à ([\d,\s\u202f\xa0]+) (k?m)", text).groups()
    value = float(re.sub(r"[\s\u202f\xa0]", "", number).replace(",", "."))
    return value * 1000 if unit == "km" else value
