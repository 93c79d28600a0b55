"""Vendored libraries are sent gzipped to browsers that accept it (light pages, issue 18.4)."""

import gzip
from pathlib import Path

from app.web.maps import VENDOR_PACKAGES


def test_leaflet_is_gzipped_when_accepted(client):
    original = (Path(VENDOR_PACKAGES["leaflet"].BASE_DIR) / "leaflet.js").read_bytes()
    zipped = client.get("/vendor/leaflet/leaflet.js", headers={"Accept-Encoding": "gzip, br"})
    assert zipped.status_code == 200
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert len(zipped.get_data()) < len(original) / 2
    assert gzip.decompress(zipped.get_data()) == original
    again = client.get("/vendor/leaflet/leaflet.js", headers={
        "Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]})
    assert again.status_code == 304
    plain = client.get("/vendor/leaflet/leaflet.js")
    assert "Content-Encoding" not in plain.headers
    assert plain.get_data() == original


def test_unknown_vendored_files_are_404(client):
    headers = {"Accept-Encoding": "gzip"}
    assert client.get("/vendor/leaflet/nothing.js", headers=headers).status_code == 404
    assert client.get("/vendor/leaflet/../../etc/passwd.js", headers=headers).status_code == 404
    assert client.get("/vendor/nothing/leaflet.js", headers=headers).status_code == 404
