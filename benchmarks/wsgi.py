"""The benchmark's WSGI entry point: the real app plus the floors served by the same server.

`gunicorn 'benchmarks.wsgi:create_bench_app()'`. Added routes, only here:
- `/__bench/fixed`: fixed bytes from a bare Flask view (the floor of one-initiative requests);
- `/__bench/static/<name>`: files written by the harness (the same bytes as an API answer);
- `/__bench/empty-map`: a Leaflet page with the assets the app serves and a single marker.
The app runs with rate limits off and no minimum form-filling time, so that eight writers can
post the proposal form back to back; CSRF and the honeypot stay on.
"""

import os

import xstatic.pkg.leaflet
from flask import (
    Blueprint,
    Response,
    current_app,
    render_template_string,
    send_from_directory,
    url_for,
)

from app import create_app

FIXED_BYTES = int(os.environ.get("BENCH_FIXED_BYTES", "2048"))
# A production configuration: PUBLIC_URL is required outside debug mode.
OVERRIDES = {"RATELIMIT_ENABLED": False, "FORM_MIN_SECONDS": 0,
             "PUBLIC_URL": os.environ.get("PUBLIC_URL", "http://127.0.0.1")}
VENDOR = {"leaflet": xstatic.pkg.leaflet}
EMPTY_MAP = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Carte vide</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="{{ css }}"><link rel="stylesheet" href="{{ map_css }}">
<style>html, body, #map { height: 100%; margin: 0 }</style></head>
<body><div id="map"></div>
<script src="{{ js }}"></script>
<script nonce="{{ csp_nonce() }}">
var map = L.map("map", {center: [46.6, 2.4], zoom: 6});
L.tileLayer({{ tile_url|tojson }}, {maxZoom: 19}).addTo(map);
var icon = L.divIcon({html: "<span>1</span>", className: "initiative-cluster",
                      iconSize: L.point(40, 40)});
L.marker([46.6, 2.4], {icon: icon}).addTo(map);
</script></body></html>"""

bench = Blueprint("bench", __name__, url_prefix="/__bench")


@bench.get("/fixed")
def fixed() -> Response:
    """The same bytes every time, with no database or template work."""
    return Response(b"x" * FIXED_BYTES, mimetype="application/json")


@bench.get("/static/<name>")
def static_file(name: str):
    """A file the harness wrote, served as Flask serves static files."""
    return send_from_directory(os.environ["BENCH_STATIC_DIR"], name)


@bench.get("/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str):
    """The XStatic files, for when the app does not serve them itself yet."""
    return send_from_directory(VENDOR[package].BASE_DIR, filename)


def asset(package: str, filename: str) -> str:
    """The app's URL of a vendored file when it has one, else ours."""
    if "public.vendor" in current_app.view_functions:
        return url_for("public.vendor", package=package, filename=filename,
                       v=VENDOR[package].VERSION)
    return url_for("bench.vendor", package=package, filename=filename)


@bench.get("/empty-map")
def empty_map() -> str:
    """An empty Leaflet map with one cluster marker: the map page's floor."""
    return render_template_string(
        EMPTY_MAP, css=asset("leaflet", "leaflet.css"), js=asset("leaflet", "leaflet.js"),
        map_css=url_for("static", filename="css/map.css"),
        tile_url=current_app.config["TILE_URL"])


def create_bench_app():
    """The real app with the benchmark's routes."""
    application = create_app(OVERRIDES)
    application.register_blueprint(bench)
    return application
