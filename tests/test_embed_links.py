"""The embed's links leave the frame: our pages refuse to be framed by other sites."""

import re

import pytest

from tests.page_parsers import map_config_of

pytestmark = pytest.mark.usefixtures("app")


def base_target(html: str) -> str:
    return re.search(r'<base target="([^"]+)">', html).group(1)


def test_embed_links_open_in_the_top_window_by_default(client, themes):
    html = client.get("/embed").text
    assert base_target(html) == "_top"
    assert map_config_of(html)["newTab"] is False


def test_embedder_may_ask_for_links_in_a_new_tab(client, themes):
    html = client.get("/embed?links=new-tab&kind=place").text
    assert base_target(html) == "_blank"
    config = map_config_of(html)
    assert config["newTab"] is True and config["text"]["newTab"] == "(nouvel onglet)"
    assert "kind=place" in config["pointsUrl"]


def test_other_pages_keep_their_links_in_their_own_window(client, themes):
    assert "<base" not in client.get("/").text


def test_share_box_says_how_to_open_the_embed_links_in_a_new_tab(client, themes):
    html = client.get("/").text
    assert re.search(r'id="share-embed-links">[^<]*links=new-tab', html)
    assert 'aria-describedby="share-embed-hint share-embed-links"' in html
