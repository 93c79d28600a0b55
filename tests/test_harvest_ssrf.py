"""The harvest fetcher refuses loopback, private, link-local, multicast and reserved addresses,
whatever the URL looks like and at every redirect, unless a source allows private addresses."""

import ipaddress

import pytest

from app.harvest.addresses import is_public
from app.harvest.fetch import FetchError, fetch
from tests.harvest_server import serve_files


def refusal(url: str, **options) -> str:
    with pytest.raises(FetchError) as caught:
        fetch(url, **options)
    return str(caught.value)


@pytest.fixture
def second_loopback():
    """A file server on 127.0.0.2, another loopback address than the harvest server's."""
    files, stop = serve_files("127.0.0.2")
    yield files
    stop()


def test_loopback_server_is_refused_without_a_request(app, harvest_server):
    harvest_server.put("/a.csv", b"secret")
    message = refusal(harvest_server.url("/a.csv"))
    assert "mène à l'adresse 127.0.0.1, qui est privée, locale ou réservée" in message
    assert harvest_server.seen == []


def test_hostname_resolving_to_loopback_is_refused(app, harvest_server):
    harvest_server.put("/a.csv", b"secret")
    message = refusal(f"http://localhost:{harvest_server.port}/a.csv")
    assert "localhost mène à l'adresse" in message
    assert harvest_server.seen == []


@pytest.mark.parametrize("host", [
    "[::1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "2130706433", "0x7f.1",
    "0.0.0.0",  # noqa: S104 (a URL refused, not an address bound)
    "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "[fe80::1]", "100.64.0.1",
    "224.0.0.1", "[ff02::1]", "240.0.0.1", "[fc00::1]", "[64:ff9b::a00:1]", "[2002:a00:1::]",
])
def test_private_and_reserved_addresses_are_refused(app, harvest_server, host):
    message = refusal(f"http://{host}:{harvest_server.port}/latest/meta-data/")
    assert "qui est privée, locale ou réservée" in message
    assert harvest_server.seen == []


def test_redirect_from_an_allowed_server_to_loopback_is_refused(app, harvest_server,
                                                                 second_loopback):
    """127.0.0.2 stands for a public server (allowed by HARVEST_ALLOWED_NETWORKS); its
    redirect to 127.0.0.1 is checked like the first address and refused."""
    app.config["HARVEST_ALLOWED_NETWORKS"] = "127.0.0.2/32"
    harvest_server.put("/admin", b"secret")
    second_loopback.redirect("/lieux.csv", harvest_server.url("/admin"))
    second_loopback.put("/ok.csv", b"public")
    assert fetch(second_loopback.url("/ok.csv")).body == b"public"
    assert "mène à l'adresse 127.0.0.1" in refusal(second_loopback.url("/lieux.csv"))
    assert len(second_loopback.requests_to("/lieux.csv")) == 1
    assert harvest_server.seen == []


def test_redirect_to_a_name_resolving_to_loopback_is_refused(app, harvest_server,
                                                             second_loopback):
    app.config["HARVEST_ALLOWED_NETWORKS"] = "127.0.0.2"
    harvest_server.put("/admin", b"secret")
    second_loopback.redirect("/lieux.csv", f"http://localhost:{harvest_server.port}/admin")
    assert "localhost mène à l'adresse" in refusal(second_loopback.url("/lieux.csv"))
    assert harvest_server.seen == []


def test_allow_private_reaches_a_loopback_source(app, harvest_server):
    harvest_server.put("/a.csv", b"intranet")
    url = f"http://localhost:{harvest_server.port}/a.csv"
    assert fetch(url, allow_private=True).body == b"intranet"
    # The name is still what the server is asked for, though the checked address is used.
    assert harvest_server.requests_to("/a.csv")[0]["host"] == f"localhost:{harvest_server.port}"


def test_allowed_networks_do_not_open_other_private_addresses(app, harvest_server):
    app.config["HARVEST_ALLOWED_NETWORKS"] = "10.0.0.0/8, 127.0.0.2/32"
    harvest_server.put("/a.csv", b"secret")
    assert "qui est privée" in refusal(harvest_server.url("/a.csv"))


@pytest.mark.parametrize(("address", "public"), [
    ("1.1.1.1", True), ("2606:4700:4700::1111", True), ("::ffff:1.1.1.1", True),
    ("::ffff:10.0.0.1", False), ("127.0.0.1", False), ("::1", False), ("::", False),
    ("192.0.2.1", False), ("198.18.0.1", False), ("239.255.255.250", False),
    ("255.255.255.255", False), ("64:ff9b::101:101", True), ("64:ff9b::7f00:1", False),
    ("64:ff9b:1::101:101", False), ("2002:101:101::", True), ("2002:c0a8:101::", False),
])
def test_public_addresses_are_told_apart(address, public):
    assert is_public(ipaddress.ip_address(address)) is public
