"""The uMap text of descriptions: converted in linear time, once, exports cached by filter."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.initiatives import geojson, umap_markup
from app.initiatives.umap_markup import (
    UMAP_IMAGE,
    UMAP_LINK,
    LinkScanner,
    UmapScanner,
    markdown_to_umap,
    umap_link,
    umap_to_markdown,
)
from tests.factories import make_initiative

# The pattern the scanner replaced (issue 13: quadratic on "[" * 19990 + "]("), kept as the
# reference of what a link is.
OLD_LINK = re.compile(r"(!?)\[([^\]\n|]*)\]\(\s*<?(https?://[^)\s>|]+)>?(?:\s+\"[^\"]*\")?\s*\)")
PIECES = ["[", "]", "(", ")", "!", "<", ">", '"', " ", "\n", "|", "\t", "http://", "https://",
          "a", "x.fr/p", "s", "é"]


def old_conversion(text: str) -> str:
    return OLD_LINK.sub(lambda m: umap_link(bool(m[1]), m[2], m[3]), text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_link_scanner_finds_the_links_the_old_pattern_found(text):
    assert LinkScanner(text).converted() == old_conversion(text)


def work(text: str) -> int:
    scanner = LinkScanner(text)
    scanner.converted()
    return scanner.steps


def test_link_conversion_work_grows_linearly_on_hostile_descriptions():
    hostile = [lambda n: "[" * n + "](", lambda n: "[](http://" * (n // 10),
               lambda n: "[](http://a" * (n // 11) + ' "' + "x" * n,
               lambda n: "![" * (n // 2) + "](h"]
    for build in hostile:
        small, large = build(2000), build(20000)
        assert work(large) <= 4 * len(large)
        assert work(large) <= 11 * work(small)


def test_markdown_to_umap_converts_links_with_the_scanner(monkeypatch):
    calls = []
    original = LinkScanner.converted
    monkeypatch.setattr(LinkScanner, "converted", lambda self: calls.append(1) or original(self))
    text = "[" * 19990 + "]("
    assert markdown_to_umap(text) == text
    assert calls == [1]
    assert not any(isinstance(value, re.Pattern) and "\\]\\(" in value.pattern
                   for value in vars(umap_markup).values())


def test_exports_use_the_stored_uMap_text_instead_of_converting_per_request(client, themes,
                                                                           monkeypatch):
    make_initiative("Atelier vélo", status="published", private_email=None,
                    description="Voir [le site](https://example.org/a).")
    calls = []
    monkeypatch.setattr(geojson, "markdown_to_umap",
                        lambda text: calls.append(text) or markdown_to_umap(text))
    for fmt in ("csv", "geojson", "umap"):
        response = client.get(f"/export/initiatives.{fmt}")
        assert response.status_code == 200
        assert b"[[https://example.org/a|le site]]" in response.data
    assert calls == []


def test_unknown_query_parameters_do_not_defeat_the_export_cache(client, themes):
    make_initiative("Atelier vélo", status="published", private_email=None)
    first = client.get("/export/initiatives.csv?x=1")
    other = client.get("/export/initiatives.csv?x=2&utm_source=z")
    assert first.headers["ETag"] == other.headers["ETag"]
    again = client.get("/export/initiatives.csv?x=3",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    narrower = client.get("/export/initiatives.csv?departement=35")
    assert narrower.headers["ETag"] != first.headers["ETag"]


# The patterns the uMap-to-Markdown scanner replaced (quadratic on 20,000 unclosed
# "[[http://x|": 39 s), kept as the reference of what uMap markup is.
OLD_UMAP_LINK = re.compile(r"\[\[(https?://[^|\]\s]+)(?:\|([^\]]*))?\]\]")
OLD_UMAP_IMAGE = re.compile(r"\{\{\{?(https?://[^}\s|]+)(?:\|[^}]*)?\}?\}\}")
UMAP_PIECES = ["[", "]", "[[", "]]", "{", "}", "{{", "}}", "|", " ", "\n", "\t", "http://",
               "https://", "http:/", "a", "x.fr", "s", "é"]


def old_umap_conversion(text: str) -> str:
    text = OLD_UMAP_IMAGE.sub(r"![](\1)", text)
    return OLD_UMAP_LINK.sub(
        lambda m: f"[{m[2]}]({m[1]})" if m[2] and m[2].strip() else f"<{m[1]}>", text)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(UMAP_PIECES), max_size=30).map("".join))
def test_umap_scanner_finds_the_markup_the_old_patterns_found(text):
    assert umap_to_markdown(text) == old_umap_conversion(text)


def test_umap_to_markdown_keeps_links_images_and_labels():
    text = "Voir [[https://a.fr/x|le site]], [[http://b.fr]] et {{https://c.fr/i.png|logo}}."
    assert umap_to_markdown(text) == ("Voir [le site](https://a.fr/x), <http://b.fr> et "
                                      "![](https://c.fr/i.png).")


def umap_work(text: str) -> int:
    steps = 0
    for markup in (UMAP_IMAGE, UMAP_LINK):
        scanner = UmapScanner(text, markup)
        text = scanner.converted()
        steps += scanner.steps
    return steps


@pytest.mark.parametrize("unit", ["[[http://x|", "[[http://x", "[[https://x|]", "{{http://x|",
                                  "{{{http://x|", "{{http://x|}", "[[http://x|a]] "])
def test_umap_conversion_work_grows_linearly_on_hostile_imports(unit):
    small, large = unit * 10_000, unit * 20_000
    assert umap_to_markdown(unit * 200) == old_umap_conversion(unit * 200)
    assert umap_work(large) <= 6 * len(large)
    assert umap_work(large) <= 2.5 * umap_work(small)


def test_umap_to_markdown_uses_no_backtracking_pattern():
    patterns = [value.pattern for value in vars(umap_markup).values()
                if isinstance(value, re.Pattern)]
    assert not any("\\[\\[" in pattern or "\\{\\{" in pattern for pattern in patterns)
