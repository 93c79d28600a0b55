"""Files a harvest source serves in the tests: the standards' own example, uMap's fixtures,
and GeoJSON shaped as the app's own export (features with ids in real French communes)."""

import csv
import io
from pathlib import Path

import orjson

from tests.conftest import PROJECT_ROOT

STANDARDS = PROJECT_ROOT / "geodata" / "standards"
MEDIATION_EXAMPLE = (STANDARDS / "mediation-num" / "exemple-valide.csv").read_bytes()
UMAP_FIXTURES = Path("/work/shared/peers/umap")
# Places in communes of the gazetteer: (id, name, lon, lat).
PLACES = [
    ("lyon-1", "Fablab des Pentes", 4.8330, 45.7700),
    ("cluny-2", "Atelier vélo de Cluny", 4.6590, 46.4340),
    ("dijon-3", "Tiers-lieu du Port du Canal", 5.0300, 47.3160),
]


def feature(feature_id: str, name: str, lon: float, lat: float, **properties) -> dict:
    return {"type": "Feature", "id": feature_id,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"name": name, "description": f"{name}, ouvert à tous.",
                           "kind": "place", **properties}}


def features(places=PLACES, **changes) -> list[dict]:
    """The places as features; changes[id] replaces some of that place's properties."""
    found = []
    for feature_id, name, lon, lat in places:
        properties = {"name": name, **changes.get(feature_id, {})}
        found.append(feature(feature_id, properties.pop("name"), lon, lat, **properties))
    return found


def geojson(places=PLACES, **changes) -> bytes:
    """The places as a FeatureCollection (see features)."""
    return orjson.dumps({"type": "FeatureCollection", "features": features(places, **changes)})


NAMES = ["Anonymal", "Médiathèque Jean Jaurès", "Maison France services", "Espace ressources"]


def mediation_rows(count: int = 3) -> bytes:
    """The standard's valid example, its one row repeated with new ids and names, without
    its coordinates (they lie 640 km from the commune the row names)."""
    rows = list(csv.DictReader(io.StringIO(MEDIATION_EXAMPLE.decode())))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for number in range(1, count + 1):
        writer.writerow({**rows[0], "id": f"structure-{number}", "latitude": "",
                         "longitude": "", "nom": NAMES[number - 1],
                         "site_web": f"https://lieu-{number}.example.org"})
    return out.getvalue().encode()
