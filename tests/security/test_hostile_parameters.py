"""SQL-looking and other hostile strings in every filter, sort and paging parameter.

Expected: a 400 with the API's error format (or the page, the parameter ignored), never a
500, nothing written, and never more results than an honest search gives.
"""

import pytest

from app.text import fold
from tests.security.conftest import table_counts
from tests.security.inspect_html import injections
from tests.security.payloads import SCRIPT, SQL, UNICODE, short_id

PARAMS = ("q", "theme", "kind", "actor_type", "commune", "epci", "departement", "region",
          "bbox", "research", "status", "sort", "page", "limit", "cursor", "updated_since",
          "lang", "type", "older_than", "source", "format", "fmt")
# Long values stay below what a real server reads in a request line (gunicorn: 4 KB).
HOSTILE = [*SQL, SCRIPT[0], UNICODE[0], "\x00", "%00", "é" * 2_000, "1" * 5_000,
           "../../etc/passwd", "-1", "NaN,NaN,NaN,NaN", "1e309,0,0,0"]
PUBLIC_PAGES = ("/", "/initiatives", "/embed", "/export", "/export/umap", "/territoires/",
                "/territoires/71", "/territoires/region/27", "/territoires/communes.json",
                "/api/v1/initiatives", "/api/v1/stats", "/api/v1/map/points",
                "/api/v1/map/tiles/6/32/22.json", "/api/v1/communes", "/api/v1/themes",
                "/api/v1/docs",
                "/export/initiatives.geojson", "/export/initiatives.csv",
                "/export/initiatives.umap", "/initiatives.atom", "/healthz")
FAST_ENDPOINTS = ("/api/v1/initiatives", "/api/v1/stats", "/api/v1/map/points",
                  "/api/v1/map/tiles/6/32/22.json",
                  "/export/initiatives.geojson", "/initiatives.atom")

pytestmark = pytest.mark.usefixtures("seeded")


def check(response, path: str) -> list[str]:
    """Problems of one answer: a server error, an error not in the API's format, a script."""
    if response.status_code >= 500:
        return [f"{path}: {response.status_code}"]
    if response.status_code == 400 and path.startswith("/api/"):
        if not (response.is_json and "message" in response.get_json().get("error", {})):
            return [f"{path}: 400 without the JSON error format"]
    if response.mimetype == "text/html" and injections(response.text):
        return [f"{path}: {injections(response.text)}"]
    return []


@pytest.mark.slow
def test_every_parameter_of_the_api_and_exports_resists_hostile_values(client):
    before = table_counts()
    problems = []
    for path in FAST_ENDPOINTS:
        for param in PARAMS:
            for value in HOSTILE:
                response = client.get(path, query_string={param: value})
                problems += [f"{param}={short_id(value)} {p}" for p in check(response, path)]
    assert problems == []
    assert table_counts() == before


@pytest.mark.slow
def test_every_public_page_resists_hostile_values_in_all_parameters_at_once(client, moderator):
    before = table_counts()
    problems = []
    for value in HOSTILE:
        query = {param: value for param in PARAMS}
        for path in PUBLIC_PAGES:
            problems += [f"{short_id(value)} {p}"
                         for p in check(client.get(path, query_string=query), path)]
        for path in ("/moderation/", "/initiatives/new", "/login"):
            problems += [f"{short_id(value)} {p}"
                         for p in check(moderator.get(path, query_string=query), path)]
    assert problems == []
    assert table_counts() == before


@pytest.mark.parametrize("injection", SQL, ids=short_id)
def test_sql_in_a_search_is_only_words(client, injection):
    """The search finds what its words find: the quotes and operators do nothing."""
    words = " ".join(fold(injection).split())
    for path in ("/api/v1/initiatives", "/export/initiatives.geojson", "/api/v1/stats"):
        hostile = client.get(path, query_string={"q": injection})
        honest = client.get(path, query_string={"q": words})
        assert hostile.status_code == honest.status_code == 200
        assert features(hostile.get_json()) == features(honest.get_json())


def features(body: dict):
    """What a search found (the links repeat the query)."""
    return body.get("features", body)


@pytest.mark.parametrize("value", ["²", "٣", "1" * 5_000, "0", "-5", "10001", "1.5", " 5"])
def test_odd_limits_are_a_400_not_a_500(client, value):
    """A "²" passed str.isdigit() then broke int(): a 500 (fixed)."""
    for path in ("/api/v1/initiatives", "/api/v1/communes"):
        response = client.get(path, query_string={"limit": value, "q": "clu"})
        assert response.status_code == 400, (path, response.status_code)
        assert response.get_json()["error"]["param"] == "limit"


def test_invalid_utf8_and_lone_surrogates_in_a_query_are_only_text(client):
    """Percent-encoded bytes that are not UTF-8 ("%ED%A0%80" is a lone surrogate) decode to
    replacement characters: searched as text, never a 500."""
    for path in PUBLIC_PAGES:
        response = client.get(f"{path}?q=%ED%A0%80&theme=%FF%FE&bbox=%C0%AF,1,2,3")
        assert response.status_code < 500, (path, response.status_code)
