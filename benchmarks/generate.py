"""Synthetic initiatives spread like the French population, with text of realistic length.

Each initiative is placed in a commune drawn with a probability proportional to its
population (gazetteer file `geodata/build/gazetteer.sqlite`), a little away from the town
hall, and gets the territory of that commune, one to three themes and French-looking text.
The same seed gives the same data.
"""

import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import shapely

from app.initiatives.taxonomy import default_categories
from app.models import ACTOR_TYPES, KINDS
from app.text import fold

THEME_SLUGS = tuple(category.slug for category in default_categories() if category.parent)
# initiative, field_site, place, resource, organisation (none: the measured data stay those
# of the runs before that kind existed)
KIND_WEIGHTS = (60, 20, 15, 5, 0)
SUBJECTS = (
    "maison des services", "tiers-lieu", "conseil citoyen", "jardin partagé", "épicerie solidaire",
    "réseau d'entraide", "plateforme de bénévoles", "cellule de crise", "fab lab",
    "recyclerie", "atelier numérique", "centre social", "maison de santé", "budget participatif",
    "cantine scolaire locale", "navette rurale", "observatoire des fragilités", "café associatif",
)
OPENERS = ("", "Projet ", "Collectif ", "Réseau ", "Programme ")
WORDS = (
    "habitants commune territoire crise solidarité proximité services publics association "
    "accompagnement numérique inclusion santé école mobilité alimentation agriculteurs élus "
    "agents bénévoles coopération démocratie participation confinement isolement personnes "
    "âgées jeunes familles quartier village réseau partenaires département région État "
    "expérimentation évaluation recherche apprentissage résilience gouvernance lien social "
    "entraide information distribution masques repas visites ateliers formation emploi"
).split()
ACTOR_PREFIXES = {
    "commune": "Mairie de", "intercommunality": "Communauté de communes de",
    "departement": "Conseil départemental —", "region": "Région —",
    "state_service": "Préfecture —", "association": "Association des habitants de",
    "citizen_collective": "Collectif citoyen de", "company": "SCOP de",
    "research": "Laboratoire associé —", "public_establishment": "CCAS de",
}
CHUNK = 10_000  # communes drawn at once by Generator.stream
UNMODERATED = {"created_by_id": None, "moderator_id": None, "moderator_comment": None}


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    departement: str
    region: str
    epci: str | None
    population: int
    lon: float
    lat: float
    outline: bytes | None = None  # WKB; points are kept inside it


def load_communes(gazetteer_path: Path) -> list[Commune]:
    """The communes with a reference point and inhabitants, read from the gazetteer file."""
    uri = f"{Path(gazetteer_path).resolve().as_uri()}?mode=ro&immutable=1"
    with sqlite3.connect(uri, uri=True) as connection:
        rows = connection.execute(
            "SELECT insee, name, departement, region, epci, population, lon, lat, outline "
            "FROM communes WHERE lon IS NOT NULL AND population > 0 ORDER BY insee"
        ).fetchall()
    return [Commune(*row) for row in rows]


class Generator:
    """Draw initiatives; `rows(n)` gives the initiatives table's columns plus `themes`."""

    def __init__(self, communes: list[Commune], seed: int = 2024, prefix: str = "bench"):
        if not communes:
            raise ValueError("no commune to place initiatives in")
        self.communes = communes
        self.cumulative = []
        total = 0
        for commune in communes:
            total += commune.population
            self.cumulative.append(total)
        self.random = random.Random(seed)
        self.prefix = prefix
        self.outlines: dict[str, shapely.Geometry] = {}
        self.now = datetime(2026, 11, 1, tzinfo=UTC)

    def rows(self, count: int, first_id: int = 1) -> list[dict]:
        """`count` initiatives with ids from first_id, published, with their themes."""
        return list(self.stream(count, first_id))

    def stream(self, count: int, first_id: int = 1) -> Iterator[dict]:
        """The same initiatives one at a time: a million never sit in memory together
        (about 3 KB each as dicts). Communes are drawn CHUNK at a time, always a whole
        chunk, so the first n rows are the same whatever the count asked."""
        for start in range(0, count, CHUNK):
            chosen = self.random.choices(self.communes, cum_weights=self.cumulative, k=CHUNK)
            for offset, commune in enumerate(chosen[:count - start]):
                yield self.row(first_id + start + offset, commune)

    def row(self, initiative_id: int, commune: Commune) -> dict:
        """One initiative placed in the commune."""
        name = self.name(commune)
        actor_type = self.random.choice(ACTOR_TYPES)
        actor_name = f"{ACTOR_PREFIXES[actor_type]} {commune.name}"
        summary, description = self.sentences(1, 1)[:400], self.description()
        lon, lat, precision = self.point(commune)
        return {
            "id": initiative_id, "name": name, "summary": summary, "description": description,
            "kind": self.random.choices(KINDS, weights=KIND_WEIGHTS)[0],
            "actor_name": actor_name, "actor_type": actor_type,
            "lon": lon, "lat": lat, "location_precision": precision,
            "insee": commune.insee, "commune_name": commune.name, "epci": commune.epci,
            "departement": commune.departement, "region": commune.region,
            **self.contacts(initiative_id, commune), **self.dates(),
            "research_partnership": self.random.random() < 0.2,
            "source": "Données synthétiques du banc d'essai",
            "external_id": f"{self.prefix}:{initiative_id}",
            "search_text": fold(" ".join((name, summary, description, actor_name, commune.name))),
            **UNMODERATED, "themes": self.themes(),
        }

    def contacts(self, initiative_id: int, commune: Commune) -> dict:
        """A website for most, a public contact or a private e-mail for some."""
        host = fold(commune.name).replace(" ", "-")
        chance = self.random.random
        return {
            "website": f"https://{host}.example.org/{initiative_id}" if chance() < 0.6 else None,
            "public_contact": f"contact-{initiative_id}@example.org" if chance() < 0.4 else None,
            "private_email": f"porteur-{initiative_id}@example.net" if chance() < 0.5 else None,
        }

    def dates(self) -> dict:
        """Started in the last ten years, last changed in the last three, published."""
        updated = self.now - timedelta(minutes=self.random.randrange(0, 3 * 365 * 24 * 60))
        return {
            "started_on": date(2015, 1, 1) + timedelta(days=self.random.randrange(0, 3650)),
            "ended_on": None, "last_verified_on": updated.date(), "status": "published",
            "published_at": updated, "created_at": updated, "updated_at": updated, "version": 1,
        }

    def name(self, commune: Commune) -> str:
        subject = self.random.choice(SUBJECTS)
        opener = self.random.choice(OPENERS)
        text = f"{opener}{subject} de {commune.name}"
        if self.random.random() < 0.5:  # the seeds' names often carry a qualifier
            text += " : " + " ".join(self.random.choices(WORDS, k=self.random.randint(2, 5)))
        return (text[0].upper() + text[1:])[:200]

    def sentences(self, low: int, high: int) -> str:
        """Between low and high sentences of 10 to 22 words (about 150 characters each)."""
        out = []
        for _ in range(self.random.randint(low, high)):
            words = self.random.choices(WORDS, k=self.random.randint(10, 22))
            out.append(" ".join(words).capitalize() + ".")
        return " ".join(out)

    def description(self) -> str:
        """One to three Markdown paragraphs, sometimes a link: about 450 characters on average,
        as in the seed initiatives written from the source documents."""
        paragraphs = [self.sentences(1, 2) for _ in range(self.random.randint(1, 3))]
        if self.random.random() < 0.3:
            paragraphs.append("En savoir plus : [le compte rendu](https://example.org/compte-rendu).")
        return "\n\n".join(paragraphs)

    def point(self, commune: Commune) -> tuple[float, float, str]:
        """The town hall for a third of them, else a point up to a few km around it."""
        if self.random.random() < 0.33:
            return commune.lon, commune.lat, "commune"
        # Larger towns spread wider: about 0.5 km for a village, 5 km for Paris.
        spread = min(0.05, 0.004 + commune.population ** 0.5 / 40_000)
        dlon, dlat = self.random.gauss(0, spread * 1.4), self.random.gauss(0, spread)
        # A point that fell outside the commune is drawn back towards the town hall (no
        # new draw: the rows after it stay the same), as the app refuses far points.
        for shrink in (1, 0.5, 0.25, 0.125):
            lon = round(commune.lon + dlon * shrink, 6)
            lat = round(commune.lat + dlat * shrink, 6)
            if self.inside(commune, lon, lat):
                return lon, lat, "address"
        return commune.lon, commune.lat, "commune"

    def inside(self, commune: Commune, lon: float, lat: float) -> bool:
        """Whether the point lies in the commune (always, for a commune without outline)."""
        if commune.outline is None:
            return True
        if commune.insee not in self.outlines:
            self.outlines[commune.insee] = shapely.from_wkb(commune.outline)
        return self.outlines[commune.insee].covers(shapely.Point(lon, lat))

    def themes(self) -> list[str]:
        """One to three distinct theme slugs."""
        count = self.random.choices((1, 2, 3), weights=(40, 40, 20))[0]
        return self.random.sample(THEME_SLUGS, count)


def service_data(row: dict) -> dict:
    """The same initiative as the fields a proposal gives to create_initiative."""
    keys = ("name", "summary", "description", "kind", "actor_name", "actor_type", "website",
            "public_contact", "private_email", "insee", "lon", "lat", "themes")
    return {key: row[key] for key in keys if row[key] is not None}
