"""Property tests: the Markdown sanitiser, the import parsers and the filter parser.

- render_markdown never lets a tag, an attribute or a link scheme outside its allowlist out;
- parsing and planning a GeoJSON, uMap or CSV import only ever fails with ImportFileError;
- parse_filters only ever fails with FilterError.
"""

import re
from html.parser import HTMLParser

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from app.exchange.errors import ImportFileError
from app.exchange.imports import ImportOptions, dry_run
from app.exchange.mapping import guess_mapping
from app.exchange.sources import parse_source
from app.filters import FilterError, Filters, parse_filters
from app.web.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, render_markdown
from tests.security.payloads import MARKDOWN_LINKS, SCRIPT, URLS

# The database is only read: one app per test is enough for all the examples.
FUZZ = settings(max_examples=1000, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
FUZZ_IMPORTS = settings(FUZZ, max_examples=300)
# nh3 adds rel="nofollow noopener noreferrer" to links.
ATTRIBUTES = {tag: {*names, "rel"} for tag, names in ALLOWED_ATTRIBUTES.items()}
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")

# Markdown built from pieces that matter to a sanitiser, and any text around them.
SCHEMES = st.sampled_from(["javascript", "JaVaScRiPt", "vbscript", "data", "http", "https",
                           "mailto", "file", "ftp", "jav&#x09;ascript", "java\tscript",
                           "\x01javascript", " javascript", "&#106;avascript"])
LINK_TARGETS = st.builds(lambda scheme, rest: f"{scheme}:{rest}", SCHEMES,
                         st.text(max_size=20)) | st.sampled_from(URLS)
PIECES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["<", ">", "\"", "'", "&", "`", "[", "]", "(", ")", "!", "*", "_", "#",
                     "\n", "\n\n", "    ", "> ", "- ", "1. ", "<!--", "-->", "<![CDATA[",
                     "&lt;", "&#x3C;", "\\", "|", "---", "```"]),
    st.sampled_from([*SCRIPT, *MARKDOWN_LINKS]),
    st.builds(lambda label, url: f"[{label}]({url})", st.text(max_size=10), LINK_TARGETS),
    st.builds(lambda url: f"<{url}>", LINK_TARGETS),
    st.builds(lambda label, url: f"[{label}]\n\n[{label}]: {url}", st.text(
        alphabet="abc", min_size=1, max_size=3), LINK_TARGETS),
    st.builds(lambda tag, attr, url: f"<{tag} {attr}=\"{url}\">x</{tag}>",
              st.sampled_from(["a", "img", "iframe", "p", "svg", "math", "form", "object"]),
              st.sampled_from(["href", "src", "onerror", "style", "formaction", "xlink:href"]),
              LINK_TARGETS),
)
MARKDOWN = st.lists(PIECES, max_size=12).map("".join)


class Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def link_scheme(url: str) -> str | None:
    """The scheme a browser reads: surrounding blanks and any tab or newline dropped."""
    cleaned = re.sub(r"[\t\n\r]", "", url.strip("\x00\x01\x02\x03 \t\n\r\x0b\x0c"))
    match = SCHEME.match(cleaned)
    return match[1].lower() if match else None


@pytest.mark.slow
@FUZZ
@given(MARKDOWN)
def test_sanitised_markdown_keeps_only_allowed_tags_attributes_and_schemes(text):
    collector = Collector()
    collector.feed(str(render_markdown(text)))
    for tag, attrs in collector.tags:
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs:
            assert name in ATTRIBUTES.get(tag, set()), (tag, name)
            if name == "href":
                assert link_scheme(value or "") in (None, *URL_SCHEMES), value


# Import files: JSON values shaped like GeoJSON and uMap documents, and CSV text.
JSON_SCALARS = (st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1)
                | st.text(max_size=20)
                | st.floats(allow_nan=False, allow_infinity=False))
JSON_VALUES = st.recursive(JSON_SCALARS, lambda children: st.lists(children, max_size=4)
                           | st.dictionaries(st.text(max_size=8), children, max_size=4),
                           max_leaves=25)
COORDINATE_LISTS = st.recursive(st.floats(allow_nan=False, allow_infinity=False, width=32)
                                | JSON_SCALARS, lambda inner: st.lists(inner, max_size=4),
                                max_leaves=20)
GEOMETRIES = st.fixed_dictionaries({
    "type": st.sampled_from(["Point", "MultiPoint", "LineString", "Polygon", "MultiPolygon",
                             "GeometryCollection", "Circle", ""]) | JSON_SCALARS,
    "coordinates": COORDINATE_LISTS}) | JSON_VALUES
PROPERTIES = st.dictionaries(
    st.sampled_from(["name", "title", "description", "kind", "themes", "tags", "website",
                     "insee", "uid", "url", "lon", "lat", "_umap_options"]) | st.text(max_size=6),
    JSON_VALUES, max_size=6)
FEATURES = st.fixed_dictionaries({"type": st.just("Feature"), "geometry": GEOMETRIES,
                                  "properties": PROPERTIES | JSON_VALUES}) | JSON_VALUES
DOCUMENTS = st.one_of(
    st.builds(lambda f: {"type": "FeatureCollection", "features": f}, st.lists(FEATURES,
                                                                              max_size=5)),
    st.builds(lambda layers: {"type": "umap", "layers": layers}, st.lists(
        st.fixed_dictionaries({"type": st.just("FeatureCollection"),
                               "features": st.lists(FEATURES, max_size=3),
                               "_umap_options": PROPERTIES}) | JSON_VALUES, max_size=3)),
    FEATURES, GEOMETRIES, JSON_VALUES,
)
CSV_TEXT = st.lists(st.lists(st.text(max_size=12) | st.sampled_from(
    ["nom", "name", "commune", "Cluny", "71137", "lat", "lon", "46.4", "4.6", "NaN", "\"",
     ";", "\t", "=1+1", "insee", "code postal", "71250"]), max_size=6), max_size=6).map(
    lambda rows: "\n".join(",".join(row) for row in rows))


def plan(data: bytes, filename: str) -> None:
    """Parse and dry-run a file; ImportFileError is the one allowed failure."""
    try:
        source = parse_source(data, filename, 1_000_000)
        dry_run(source, guess_mapping(source), ImportOptions())
    except ImportFileError:
        pass


@pytest.mark.slow
@FUZZ_IMPORTS
@given(document=DOCUMENTS)
def test_geojson_and_umap_imports_fail_only_with_import_file_error(app, themes, document):
    plan(orjson.dumps(document), "fuzz.geojson")


@pytest.mark.slow
@FUZZ_IMPORTS
@given(text=CSV_TEXT, bom=st.booleans(), noise=st.binary(max_size=8))
def test_csv_imports_fail_only_with_import_file_error(app, themes, text, bom, noise):
    data = ("\ufeff" if bom else "").encode() + text.encode()
    plan(data, "fuzz.csv")
    plan(data + noise, "fuzz.csv")


FILTER_NAMES = st.sampled_from(["q", "theme", "kind", "actor_type", "commune", "epci",
                                "departement", "region", "bbox", "research", "status"])
FILTER_VALUES = st.text(max_size=40) | st.sampled_from(
    ["1,2,3,4", "-180,-90,180,90", "NaN,0,0,0", "inf,0,1,1", "1e400,0,0,0", "2,1,1,2",
     "initiative", "place,resource", "71", "2A", "200000000", "all", "archived", ","])


@pytest.mark.slow
@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(FILTER_NAMES | st.text(max_size=8), FILTER_VALUES), max_size=8))
def test_filter_parser_fails_only_with_filter_error(pairs):
    try:
        filters = parse_filters(MultiDict(pairs))
    except FilterError as error:
        assert error.param and str(error)
        return
    assert isinstance(filters, Filters)
    if filters.bbox is not None:
        minlon, minlat, maxlon, maxlat = filters.bbox
        assert -180 <= minlon <= maxlon <= 180 and -90 <= minlat <= maxlat <= 90


@pytest.mark.parametrize("text", [*MARKDOWN_LINKS, *SCRIPT])
def test_known_attacks_leave_no_link_scheme_or_handler(text):
    collector = Collector()
    collector.feed(str(render_markdown(text)))
    for tag, attrs in collector.tags:
        assert tag in ALLOWED_TAGS
        for name, value in attrs:
            assert name in ATTRIBUTES.get(tag, set())
            assert name != "href" or link_scheme(value or "") in (None, *URL_SCHEMES)
