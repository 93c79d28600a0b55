"""A process that draws no map and reads no table with pandas does not pay for them: the
`flask` commands (export, import) stay within their memory budget."""

import os
import subprocess
import sys

from tests.conftest import PROJECT_ROOT

# Each weighs 10 to 75 MB per process (folium brings pandas; geopandas and pyogrio, GDAL;
# feedgen, lxml; WeasyPrint): only the code drawing a map or writing a GeoPackage, a feed or
# a PDF imports them.
HEAVY = ("folium", "branca", "pandas", "geopandas", "pyogrio", "feedgen", "weasyprint")
PROBE = """
import sys
from app import create_app
create_app({"TESTING": True})
print(" ".join(sorted(name for name in sys.argv[1:] if name in sys.modules)))
"""


def loaded_after_create_app(app, *modules: str) -> list[str]:
    """Which of the modules a fresh process holds once it has created the app."""
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    result = subprocess.run([sys.executable, "-c", PROBE, *modules], env=env, cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=120, check=True)
    return result.stdout.split()


def test_creating_the_app_imports_no_map_or_data_frame_library(app):
    assert loaded_after_create_app(app, *HEAVY) == []


def test_a_map_page_still_draws_its_map(client, seeded):
    page = client.get("/")
    assert page.status_code == 200
    assert b"MaillageMap.attach(" in page.data and b"leaflet.js" in page.data
