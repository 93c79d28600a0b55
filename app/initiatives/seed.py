"""The seed data: initiatives and field sites named in the source documents."""

from dataclasses import dataclass
from pathlib import Path

import orjson
import sqlalchemy as sa

from app.extensions import db
from app.initiatives.services import create_initiative
from app.initiatives.taxonomy import ensure_default_themes
from app.models import Initiative

SEED_PREFIX = "seed:"
SEED_REASON = "Donnée initiale issue des documents sources"


@dataclass
class SeedReport:
    themes_added: int
    created: int
    already_there: int


def load_seed(path: Path) -> SeedReport:
    """Add the default themes and the seed initiatives not loaded yet, published; flush only."""
    themes_added = ensure_default_themes()
    features = orjson.loads(Path(path).read_bytes())["features"]
    known = set(
        db.session.scalars(
            sa.select(Initiative.external_id).where(Initiative.external_id.like(f"{SEED_PREFIX}%"))
        )
    )
    created = 0
    for feature in features:
        data = seed_values(feature)
        if data["external_id"] in known:
            continue
        create_initiative(data, status="published", reason=SEED_REASON)
        created += 1
    return SeedReport(themes_added, created, len(features) - created)


def seed_values(feature: dict) -> dict:
    """Turn a seed GeoJSON feature into initiative field values."""
    properties = dict(feature["properties"])
    lon, lat = feature["geometry"]["coordinates"][:2]
    seed_id = properties.pop("seed_id")
    # The first seed named its document in free text: that is its first source now.
    if properties.get("source") and not properties.get("sources"):
        properties["sources"] = [{"title": properties.pop("source")}]
    return {**properties, "lon": lon, "lat": lat, "external_id": SEED_PREFIX + seed_id}
