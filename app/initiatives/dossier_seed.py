"""The seed's dossiers: the 2020 round table and the Connecteur Recherche sessions.

Each dossier comes from geodata/seed_dossiers.json; its initiatives are the seed entries
whose feature in geodata/seed_corpus.geojson names it in `dossiers`, in the corpus's order.
Only the entries present are linked, so it works whichever seed file was loaded; loading
again adds what is missing and changes nothing else.
"""

from dataclasses import dataclass
from pathlib import Path

import orjson
import sqlalchemy as sa

from app.extensions import db
from app.initiatives.dossiers import dossier_by_slug, save_dossier
from app.initiatives.seed_values import SEED_PREFIX
from app.models import Dossier, DossierEntry, Initiative


@dataclass
class DossierSeedReport:
    created: int
    linked: int


def load_seed_dossiers(dossiers_path: Path, corpus_path: Path) -> DossierSeedReport:
    """Add the seed dossiers not there yet and link the seed entries present; flush only."""
    wanted = orjson.loads(Path(dossiers_path).read_bytes())
    memberships = seed_memberships(Path(corpus_path))
    created = linked = 0
    for item in wanted:
        dossier = dossier_by_slug(item["slug"])
        if dossier is None:
            dossier = save_dossier(None, {**item, "initiatives": []}, author=None)
            created += 1
        linked += link_present(dossier, memberships.get(item["slug"], []))
    return DossierSeedReport(created, linked)


def seed_memberships(corpus_path: Path) -> dict[str, list[str]]:
    """The external ids of each dossier's seed entries, in the corpus's order, by slug."""
    members: dict[str, list[str]] = {}
    for feature in orjson.loads(corpus_path.read_bytes())["features"]:
        properties = feature["properties"]
        for slug in properties.get("dossiers") or ():
            members.setdefault(slug, []).append(SEED_PREFIX + properties["seed_id"])
    return members


def link_present(dossier: Dossier, external_ids: list[str]) -> int:
    """Append the entries with these external ids not in the dossier yet; how many."""
    found = dict(db.session.execute(sa.select(Initiative.external_id, Initiative.id)
                                    .where(Initiative.external_id.in_(external_ids))).all())
    have = {entry.initiative_id for entry in dossier.entries}
    position = max((entry.position for entry in dossier.entries), default=-1) + 1
    added = [found[key] for key in external_ids if key in found and found[key] not in have]
    for offset, initiative_id in enumerate(dict.fromkeys(added)):
        db.session.add(DossierEntry(dossier_id=dossier.id, initiative_id=initiative_id,
                                    position=position + offset))
    db.session.flush()
    return len(dict.fromkeys(added))
