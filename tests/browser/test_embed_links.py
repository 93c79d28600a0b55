"""The embed framed by another site: its links open outside the frame (our pages refuse to
be framed), or in a new tab when the embedder asks for it."""

import re
from urllib.parse import quote

from tests.browser.conftest import wait_for_map

LAON = "02408"  # a commune with a single seed initiative
PARTHENAY = "79202"  # three seed initiatives at one point
INITIATIVE_PAGE = re.compile(r"/initiatives/\d+-[a-z0-9-]+$")


def framed(page, other_site, live_server, query: str):
    page.goto(f"{other_site.url}/?src=" + quote(f"{live_server.url}/embed?{query}", safe=""))
    frame = page.frame_locator("#framed")
    frame.locator(".map-canvas[data-state=ready]").wait_for(timeout=15_000)
    return frame


def test_popup_link_of_a_framed_embed_opens_in_the_whole_window(page, other_site, live_server):
    frame = framed(page, other_site, live_server, f"commune={LAON}")
    frame.locator(".initiative-marker").click()
    frame.locator(".initiative-popup__title").wait_for()  # its details came: no more redraw
    # By the keyboard: a click may land where the popup was before the map panned to show it.
    with page.expect_navigation(url=INITIATIVE_PAGE):
        frame.get_by_role("link", name=re.compile("^Voir la fiche")).press("Enter")
    assert page.locator("h1").inner_text()  # the page itself, not a refused frame
    assert page.locator("#framed").count() == 0


def test_list_link_of_a_framed_embed_opens_in_the_whole_window(page, other_site, live_server):
    frame = framed(page, other_site, live_server, f"commune={PARTHENAY}")
    frame.locator(".initiative-cluster").click()
    frame.locator(".initiative-popup__list a").first.click()
    page.wait_for_url(INITIATIVE_PAGE)


def test_embedder_may_open_the_links_in_a_new_tab(page, other_site, live_server):
    frame = framed(page, other_site, live_server, f"commune={LAON}&links=new-tab")
    frame.locator(".initiative-marker").click()
    frame.locator(".initiative-popup__title").wait_for()  # its details came: no more redraw
    link = frame.get_by_role("link", name=re.compile(r"^Voir la fiche.*\(nouvel onglet\)$"))
    with page.context.expect_page() as opened:
        link.press("Enter")  # see above: the keyboard does not depend on the popup's place
    tab = opened.value
    tab.wait_for_url(INITIATIVE_PAGE)
    assert page.url.startswith(other_site.url)  # the partner's page stays
    assert tab.evaluate("() => window.opener") is None


def test_attribution_links_of_the_embed_leave_the_frame(page, live_server):
    page.goto(live_server.url + "/embed")
    wait_for_map(page)
    targets = page.eval_on_selector_all(
        ".leaflet-control-attribution a, .embed__credit a",
        "links => links.map(a => a.target || document.querySelector('base').target)")
    assert targets and set(targets) <= {"_top", "_blank"}
