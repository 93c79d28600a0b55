"""The harvest fetcher against a real HTTP server on loopback: validators and 304, changes,
errors, time and size limits, redirects, gzip (the SSRF refusals: test_harvest_ssrf.py)."""

import gzip
import socket
import time
import zlib

import pytest

from app.harvest.fetch import Fetched, FetchError, fetch

CSV = "text/csv; charset=utf-8"


def fetched(url: str, **options) -> Fetched:
    return fetch(url, allow_private=True, **options)


def refusal(url: str, **options) -> str:
    with pytest.raises(FetchError) as caught:
        fetched(url, **options)
    return str(caught.value)


def test_fetch_returns_the_file_with_its_validators(app, harvest_server):
    route = harvest_server.put("/lieux.csv", "nom;commune\nCafé;Cluny\n".encode(), CSV)
    result = fetched(harvest_server.url("/lieux.csv"))
    assert result == Fetched(200, "nom;commune\nCafé;Cluny\n".encode(), route.etag,
                             route.last_modified, harvest_server.url("/lieux.csv"), CSV)


def test_request_names_maillage_and_asks_for_gzip(app, harvest_server):
    harvest_server.put("/a.json", b"{}")
    fetched(harvest_server.url("/a.json"))
    headers = harvest_server.requests_to("/a.json")[0]
    assert "Maillage" in headers["user-agent"]
    assert "gzip" in headers["accept-encoding"]
    assert headers["host"] == f"127.0.0.1:{harvest_server.port}"


def test_unchanged_file_answers_304_to_its_etag(app, harvest_server):
    harvest_server.put("/a.csv", b"a;b\n", CSV)
    first = fetched(harvest_server.url("/a.csv"))
    again = fetched(harvest_server.url("/a.csv"), etag=first.etag,
                    last_modified=first.last_modified)
    assert (again.status, again.body, again.etag) == (304, b"", first.etag)
    assert again.last_modified == first.last_modified
    sent = harvest_server.requests_to("/a.csv")[1]
    assert sent["if-none-match"] == first.etag
    assert sent["if-modified-since"] == first.last_modified


def test_unchanged_file_answers_304_to_its_date_alone(app, harvest_server):
    harvest_server.put("/a.csv", b"a;b\n", CSV)
    first = fetched(harvest_server.url("/a.csv"))
    again = fetched(harvest_server.url("/a.csv"), last_modified=first.last_modified)
    assert again.status == 304
    assert "if-none-match" not in harvest_server.requests_to("/a.csv")[1]


def test_changed_file_comes_whole_with_new_validators(app, harvest_server):
    harvest_server.put("/a.csv", b"a;b\n", CSV)
    first = fetched(harvest_server.url("/a.csv"))
    harvest_server.put("/a.csv", b"a;b\n1;2\n", CSV)
    again = fetched(harvest_server.url("/a.csv"), etag=first.etag,
                    last_modified=first.last_modified)
    assert (again.status, again.body) == (200, b"a;b\n1;2\n")
    assert again.etag != first.etag and again.last_modified != first.last_modified


def test_removed_file_is_a_404_saying_so(app, harvest_server):
    harvest_server.put("/a.csv", b"a;b\n", CSV)
    first = fetched(harvest_server.url("/a.csv"))
    harvest_server.remove("/a.csv")
    message = refusal(harvest_server.url("/a.csv"), etag=first.etag)
    assert "introuvable (HTTP 404)" in message and harvest_server.url("/a.csv") in message


@pytest.mark.parametrize(("status", "words"), [
    (500, "est en erreur (HTTP 500)"), (503, "est en erreur (HTTP 503)"),
    (403, "refuse l'accès (HTTP 403)"), (410, "introuvable (HTTP 410)"),
    (204, "répond HTTP 204"),
])
def test_error_status_is_a_clear_message(app, harvest_server, status, words):
    harvest_server.fail("/a.csv", status)
    assert words in refusal(harvest_server.url("/a.csv"))


def test_304_without_validators_is_not_taken_for_unchanged(app, harvest_server):
    harvest_server.fail("/a.csv", 304)
    assert "répond HTTP 304" in refusal(harvest_server.url("/a.csv"))


def test_slow_server_times_out(app, harvest_server):
    harvest_server.put("/slow.csv", b"a;b\n", CSV, delay=20)
    started = time.monotonic()
    message = refusal(harvest_server.url("/slow.csv"), timeout=0.5)
    assert "délai de 0.5 secondes" in message and "HARVEST_TIMEOUT" in message
    assert time.monotonic() - started < 10  # not the server's 20 s (margin for a busy CI)


def test_timeout_bounds_a_body_sent_byte_by_byte(app, harvest_server):
    harvest_server.put("/drip.csv", b"a" * 200, CSV, trickle=0.1)
    started = time.monotonic()
    assert "délai" in refusal(harvest_server.url("/drip.csv"), timeout=1)
    assert time.monotonic() - started < 10  # not the 20 s the whole body takes


def test_timeout_setting_is_read_from_the_config(app, harvest_server):
    app.config["HARVEST_TIMEOUT"] = 0.3
    harvest_server.put("/slow.csv", b"a;b\n", CSV, delay=20)
    assert "délai de 0.3 secondes" in refusal(harvest_server.url("/slow.csv"))


def test_body_over_the_cap_is_refused(app, harvest_server):
    harvest_server.put("/big.csv", b"a" * 2000, CSV)
    message = refusal(harvest_server.url("/big.csv"), max_bytes=1000)
    assert "dépasse 1\u202f000 octets" in message and "HARVEST_MAX_BYTES" in message
    assert fetched(harvest_server.url("/big.csv"), max_bytes=2000).body == b"a" * 2000


def test_size_cap_is_read_from_the_config(app, harvest_server):
    app.config["HARVEST_MAX_BYTES"] = 10
    harvest_server.put("/big.csv", b"a" * 11, CSV)
    assert "dépasse 10 octets" in refusal(harvest_server.url("/big.csv"))


def test_endless_body_stops_at_the_cap(app, harvest_server):
    harvest_server.endless("/forever.json")
    # Reading on would end at the timeout, with another message, and not before.
    message = refusal(harvest_server.url("/forever.json"), max_bytes=1024 * 1024, timeout=60)
    assert "dépasse 1\u202f048\u202f576 octets" in message


def test_gzip_body_is_decoded(app, harvest_server):
    text = "nom;commune\n" + "Café;Cluny\n" * 1000
    harvest_server.put("/a.csv", text.encode(), CSV, gzip=True)
    assert fetched(harvest_server.url("/a.csv")).body == text.encode()


def test_gzip_cap_applies_to_the_decoded_bytes(app, harvest_server):
    harvest_server.put("/bomb.json", b"\0" * (8 * 1024 * 1024), gzip=True)
    assert len(gzip.compress(b"\0" * (8 * 1024 * 1024))) < 1024 * 1024
    assert "dépasse 1\u202f048\u202f576 octets" in refusal(
        harvest_server.url("/bomb.json"), max_bytes=1024 * 1024)


def test_redirect_is_followed_to_the_final_url(app, harvest_server):
    harvest_server.put("/v2/lieux.csv", b"a;b\n", CSV)
    harvest_server.redirect("/lieux.csv", "/v2/lieux.csv", 301)
    result = fetched(harvest_server.url("/lieux.csv"))
    assert (result.body, result.url) == (b"a;b\n", harvest_server.url("/v2/lieux.csv"))


def test_redirect_keeps_the_conditional_request(app, harvest_server):
    route = harvest_server.put("/v2/lieux.csv", b"a;b\n", CSV)
    harvest_server.redirect("/lieux.csv", harvest_server.url("/v2/lieux.csv"), 307)
    assert fetched(harvest_server.url("/lieux.csv"), etag=route.etag).status == 304


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://example.org/lieux.csv",
                                      "gopher://127.0.0.1:70/"])
def test_redirect_to_another_scheme_is_refused(app, harvest_server, location):
    harvest_server.redirect("/lieux.csv", location)
    message = refusal(harvest_server.url("/lieux.csv"))
    assert f"redirige vers « {location} »" in message and "redirection refusée" in message


def test_endless_redirects_stop_after_the_limit(app, harvest_server):
    harvest_server.redirect("/a", "/b")
    harvest_server.redirect("/b", "/a")
    message = refusal(harvest_server.url("/a"))
    assert "redirige plus de 5 fois de suite" in message
    assert len(harvest_server.seen) == 6


def test_redirect_limit_is_read_from_the_config(app, harvest_server):
    app.config["HARVEST_MAX_REDIRECTS"] = 1
    harvest_server.put("/c", b"ok")
    harvest_server.redirect("/a", "/b")
    harvest_server.redirect("/b", "/c")
    assert "redirige plus de 1 fois" in refusal(harvest_server.url("/a"))
    assert fetched(harvest_server.url("/b")).body == b"ok"


@pytest.mark.parametrize("url", ["lieux.csv", "ftp://example.org/a.csv", "http://",
                                 "http://example.org:99999/a.csv", "file:///etc/passwd",
                                 "javascript:alert(1)", "http://[::1/"])
def test_invalid_url_is_refused(app, url):
    assert "n'est pas une adresse web valide" in refusal(url)


def test_url_with_credentials_is_refused(app, harvest_server):
    harvest_server.put("/a.csv", b"a")
    url = f"http://user:secret@127.0.0.1:{harvest_server.port}/a.csv"
    assert "identifiant ou un mot de passe" in refusal(url)
    assert harvest_server.seen == []


def test_unknown_host_is_a_dns_failure(app):
    message = refusal("http://source-disparue.invalid/lieux.csv")
    assert "source-disparue.invalid est introuvable (échec de la résolution DNS)" in message


def test_closed_port_is_unreachable(app):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert "Impossible de joindre 127.0.0.1" in refusal(f"http://127.0.0.1:{port}/a.csv")


def test_url_with_spaces_and_accents_is_sent_encoded(app, harvest_server):
    harvest_server.put("/lieux%20d%C3%A9partement.csv", b"ok")
    assert fetched(harvest_server.url("/lieux département.csv")).body == b"ok"


def test_body_cut_short_is_refused(app, harvest_server):
    harvest_server.put("/a.csv", b"a;b\n", CSV, declared_length=1000)
    assert "réponse invalide ou incomplète" in refusal(harvest_server.url("/a.csv"))


def test_deflate_body_is_decoded(app, harvest_server):
    harvest_server.put("/a.csv", zlib.compress(b"a;b\n" * 100), CSV, encoding="deflate")
    assert fetched(harvest_server.url("/a.csv")).body == b"a;b\n" * 100


def test_unreadable_gzip_is_refused(app, harvest_server):
    harvest_server.put("/a.csv", b"not gzip at all", CSV, encoding="gzip")
    assert "réponse invalide ou incomplète" in refusal(harvest_server.url("/a.csv"))


def test_unknown_encoding_is_named(app, harvest_server):
    harvest_server.put("/a.csv", b"\x1b\x00", CSV, encoding="br")
    assert "encodé en « br »" in refusal(harvest_server.url("/a.csv"))


def test_unsigned_certificate_is_refused(app, self_signed_server):
    self_signed_server.put("/a.csv", b"a;b\n", CSV)
    url = f"https://localhost:{self_signed_server.port}/a.csv"
    assert "connexion sécurisée à localhost a échoué" in refusal(url)
    assert self_signed_server.seen == []
