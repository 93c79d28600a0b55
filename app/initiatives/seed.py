"""The seed data: initiatives, field sites, resources and organisations named in the source
documents, each with the passages it quotes (geodata/seed_corpus.geojson).

Loading it again brings a database up to the file: an entry not loaded yet is added; one
that nobody changed since the seed wrote it takes the file's content (a revision with the
seed's reason); one that someone changed is left alone and reported; an entry the file no
longer holds is archived, never deleted, with a revision saying why.
"""

from dataclasses import dataclass, field
from pathlib import Path

import orjson
import sqlalchemy as sa

from app.clock import LOCAL_ZONE
from app.extensions import db
from app.initiatives.history import record, snapshot
from app.initiatives.seed_values import SEED_PREFIX, accepts, is_local, seed_values
from app.initiatives.services import create_initiative, update_initiative
from app.initiatives.taxonomy import ensure_default_themes
from app.models import Initiative, Revision

SEED_REASON = "Donnée initiale issue des documents sources"
UPDATE_REASON = "Donnée initiale réécrite d'après les documents sources (corpus v2)"
ARCHIVE_REASON = ("Retirée des données initiales : les documents sources ne permettent pas "
                  "de l'établir telle quelle")
SEED_REASONS = (SEED_REASON, UPDATE_REASON, ARCHIVE_REASON)

__all__ = ["SEED_PREFIX", "SEED_REASON", "SeedReport", "load_seed", "seed_values"]


@dataclass
class SeedReport:
    themes_added: int
    created: int
    already_there: int
    updated: list[str] = field(default_factory=list)
    kept_edited: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # territories before scopes exist

    def lines(self) -> list[str]:
        """What the load did, one line a kind of change, then the entries concerned."""
        said = [f"Seed: {self.created} initiatives added, {self.already_there} already there, "
                f"{len(self.updated)} updated to the sources, {len(self.archived)} archived, "
                f"{len(self.kept_edited)} left alone (edited since seeded), "
                f"{self.themes_added} themes added."]
        for title, ids in (("Updated", self.updated), ("Archived", self.archived),
                           ("Left alone, edited since seeded", self.kept_edited),
                           ("Not loaded (whole territories need scopes)", self.waiting)):
            if ids:
                said.append(f"{title}: {', '.join(sorted(ids))}")
        return said


def load_seed(path: Path) -> SeedReport:
    """Bring the seed entries up to the file, published; flush only."""
    report = SeedReport(ensure_default_themes(), 0, 0)
    features = orjson.loads(Path(path).read_bytes())["features"]
    loaded = {initiative.external_id: initiative for initiative in db.session.scalars(
        sa.select(Initiative).where(Initiative.external_id.like(f"{SEED_PREFIX}%")))}
    edited = edited_ids()
    for feature in features:
        seed_id = feature["properties"]["seed_id"]
        if not is_local(feature) and not accepts("scope"):
            loaded.pop(SEED_PREFIX + seed_id, None)  # kept as it is until it can be loaded
            report.waiting.append(seed_id)
            continue
        values = seed_values(feature)
        current = loaded.pop(values["external_id"], None)
        if current is None:
            create_initiative(values, status="published", reason=SEED_REASON)
            report.created += 1
        elif current.id in edited:
            report.kept_edited.append(seed_id)
        elif refresh(current, values):
            report.updated.append(seed_id)
        report.already_there += current is not None
    for external_id, initiative in loaded.items():
        if initiative.status != "archived" and archive(initiative):
            report.archived.append(external_id.removeprefix(SEED_PREFIX))
    return report


def edited_ids() -> set[int]:
    """The seeded initiatives someone changed: a revision the seed did not write."""
    return set(db.session.scalars(
        sa.select(Revision.initiative_id).join(Initiative).where(
            Initiative.external_id.like(f"{SEED_PREFIX}%"),
            sa.or_(Revision.author_id.is_not(None), Revision.reason.not_in(SEED_REASONS)))))


def refresh(initiative: Initiative, values: dict) -> bool:
    """Give an unedited seeded initiative the file's content; tell whether anything changed."""
    before = snapshot(initiative)
    wanted = {**values, "tags": values.get("tags", []), "sources": values.get("sources", [])}
    if wanted.get("last_verified_on") is None and initiative.published_at is not None:
        # No dated source: the entry counts from its publication, as the model set it when
        # it was published (FreshnessColumns); taking None would rewrite it on every load.
        wanted["last_verified_on"] = initiative.published_at.astimezone(LOCAL_ZONE).date()
    savepoint = db.session.begin_nested()
    update_initiative(initiative, wanted, author=None, reason=UPDATE_REASON)
    if snapshot(initiative) == before:
        savepoint.rollback()
        db.session.refresh(initiative)
        return False
    savepoint.commit()
    return True


def archive(initiative: Initiative) -> bool:
    """Archive a seeded initiative the file no longer holds, with the reason."""
    before = snapshot(initiative)
    initiative.status = "archived"
    db.session.flush()
    record(initiative, "archive", author=None, reason=ARCHIVE_REASON, before=before)
    return True
