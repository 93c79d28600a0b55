"""A source's planned rows written: new entries, updates, proposals, conflicts, archives.

From a trusted source, new entries are published and changes applied, each with a revision
naming the source; from another, new entries wait in the moderation queue and changes to
published ones become change sets. A likely duplicate always waits for moderators. An entry
edited here since the harvest last wrote it is never overwritten: when the source's changes
touch an edited field, they go to moderators as a change set (a conflict). An entry that
left a source read in full is archived, never deleted. The bookkeeping (id at the source,
last seen, digest) is written with plain UPDATEs: not a change of the entry (no version, no
revision).
"""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from app.exchange.harvest_rows import HarvestRow, Plan
from app.exchange.imports import Writer
from app.extensions import db
from app.initiatives.change_sets import propose_change
from app.initiatives.fields import InvalidInitiative
from app.initiatives.moderation import decide, reinstate
from app.initiatives.services import update_initiative
from app.models import ChangeSet, Initiative, Revision
from app.models.harvest import HarvestRun, HarvestSource

EDITS = ("update", "merge")  # the revisions that change an entry's values
LIVE = ("pending", "published")
NOTES_MAX = 12
# How the harvest's archive of an entry gone from its source begins (told from a moderator's).
GONE = "Disparue de la source"


@dataclass
class Mark:
    """What an entry keeps of its source after this run (None: what it had)."""

    key: str
    digest: str | None
    in_step: bool  # the entry holds the source's values: a later edit is a local one


@dataclass
class HarvestWrites:
    source: HarvestSource
    run: HarvestRun
    now: datetime
    marks: dict[int, Mark] = field(default_factory=dict)
    created: list[HarvestRow] = field(default_factory=list)
    seen_keys: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return f"Moissonnage : {self.source.name}"

    def write(self, planned: Plan, complete: bool) -> None:
        """Write every row, then archive what left the source, then the bookkeeping."""
        published, moderated = self.writer("published"), self.writer("pending")
        for row in planned.rows:
            self.write_row(row, published if self.source.trusted else moderated, moderated)
        published.write()
        moderated.write()
        for row in self.created:
            self.marks[row.report.written_id] = Mark(row.key, row.digest, True)
        if complete and planned.keys_complete:
            self.archive_missing({row.key for row in planned.rows if row.key is not None})
        self.mark_all()
        self.run.message = "\n".join(self.notes[:NOTES_MAX])

    def writer(self, status: str) -> Writer:
        writer = Writer(self.source.name, status, None)
        writer.reason = self.reason
        return writer

    def write_row(self, row: HarvestRow, new: Writer, moderated: Writer) -> None:
        action = row.report.action
        if action == "error":
            self.count("errors", f"{row.report.label} : {' '.join(row.report.reasons)}")
            if row.key is not None:
                self.seen_keys.add(row.key)
        elif action in ("create", "duplicate"):
            writer = new if action == "create" else moderated
            writer.create(row.report)
            self.created.append(row)
            self.count("created" if writer.status == "published" else "proposed",
                       " ".join(row.report.reasons) if action == "duplicate" else None)
        else:
            self.write_known(db.session.get(Initiative, row.report.target_id), row)

    def write_known(self, initiative: Initiative, row: HarvestRow) -> None:
        """An entry the source had given before (or an import, by the same id)."""
        ours = initiative.harvest_source_id == self.source.id
        if ours and initiative.status == "archived" and self.left_source(initiative):
            self.bring_back(initiative, row)
        elif initiative.status not in LIVE or row.report.action == "unchanged":
            self.count("unchanged")
            self.marks[initiative.id] = Mark(row.key, row.digest, initiative.status in LIVE)
        elif ours and row.digest == initiative.harvest_digest:
            self.count("unchanged")  # the source did not change it: a local edit stays
            self.marks[initiative.id] = Mark(row.key, None, False)
        elif overwrites_local_edits(initiative, ours, row.report.data):
            self.propose(initiative, row, conflict=True)
        elif initiative.status == "published" and not self.source.trusted:
            self.propose(initiative, row, conflict=False)
        else:
            update_initiative(initiative, row.report.data, author=None, reason=self.reason)
            self.count("updated")
            self.marks[initiative.id] = Mark(row.key, row.digest, True)

    def propose(self, initiative: Initiative, row: HarvestRow, *, conflict: bool) -> None:
        """The source's values as a change set for moderators, unless they saw them already."""
        self.marks[initiative.id] = Mark(row.key, None, False)
        label = f"n° {initiative.id} « {initiative.name} »"
        if initiative.status != "published":  # pending: moderators have it in the queue
            self.count("conflicts", f"Fiche {label} modifiée ici et à la source : "
                                    "la version de la source n'a pas été appliquée.")
            return
        latest = latest_change_set(initiative, self.reason)
        if latest is not None and latest.changes == row.report.data and \
                latest.status in ("pending", "rejected"):
            self.count("unchanged")  # proposed already (waiting, or refused)
            return
        if latest is not None and latest.status == "pending":
            latest.status, latest.decided_at = "withdrawn", self.now  # superseded
        what = "conflit : la fiche a été modifiée ici" if conflict else "modification de la source"
        try:
            propose_change(initiative, row.report.data, author=None, email=None,
                           message=f"{self.reason} — {what}")
        except InvalidInitiative as refused:
            self.count("errors", f"Fiche {label} : {refused}")
            return
        self.count("conflicts" if conflict else "proposed",
                   f"Fiche {label} modifiée ici et à la source : correction proposée aux "
                   "modérateurs." if conflict else None)

    @property
    def gone_reason(self) -> str:
        return f"{GONE} « {self.source.name} »"

    def left_source(self, initiative: Initiative) -> bool:
        """Tell whether the entry was archived by this harvest, not by a moderator."""
        last = db.session.scalar(
            sa.select(Revision).where(Revision.initiative_id == initiative.id,
                                      Revision.action == "archive")
            .order_by(Revision.id.desc()).limit(1))
        return last is not None and last.author_id is None and \
            last.reason.startswith(GONE)

    def bring_back(self, initiative: Initiative, row: HarvestRow) -> None:
        """An entry back in its source: published again (trusted) or back in the queue."""
        status = "published" if self.source.trusted else "pending"
        reinstate(initiative, status, reason=f"Revenue dans la source « {self.source.name} »")
        if row.report.action == "update":
            update_initiative(initiative, row.report.data, author=None, reason=self.reason)
        self.count("updated" if self.source.trusted else "proposed",
                   f"Fiche n° {initiative.id} « {initiative.name} » revenue dans la source : "
                   + ("republiée." if self.source.trusted else "remise en modération."))
        self.marks[initiative.id] = Mark(row.key, row.digest, True)

    def archive_missing(self, seen: set[str]) -> None:
        """Archive the source's entries it no longer gives (it was read in full)."""
        gone = db.session.scalars(
            sa.select(Initiative).where(Initiative.harvest_source_id == self.source.id,
                                        Initiative.status.in_(LIVE),
                                        Initiative.harvest_key.not_in(seen | self.seen_keys))
            .order_by(Initiative.id)).all()
        for initiative in gone:
            decide(initiative, "archive", moderator=None, expected_version=None,
                   reason=self.gone_reason)
            self.count("archived")

    def count(self, name: str, note: str | None = None) -> None:
        setattr(self.run, name, getattr(self.run, name) + 1)
        if note:
            self.notes.append(note)

    def mark_all(self) -> None:
        """Write each entry's source, id there, digest and last-seen time."""
        db.session.flush()
        table = Initiative.__table__
        revisions = last_revisions(list(self.marks))
        params = [{"_id": entry_id, "_key": mark.key, "_digest": mark.digest,
                   "_revision": revisions.get(entry_id) if mark.in_step else None}
                  for entry_id, mark in self.marks.items()]
        if params:
            db.session.execute(sa.update(table).where(table.c.id == sa.bindparam("_id")).values(
                harvest_source_id=self.source.id, harvest_key=sa.bindparam("_key"),
                harvest_seen_at=self.now,
                harvest_digest=sa.func.coalesce(sa.bindparam("_digest"), table.c.harvest_digest),
                harvest_revision=sa.func.coalesce(sa.bindparam("_revision"),
                                                  table.c.harvest_revision),
                updated_at=table.c.updated_at), params)
        if self.seen_keys:
            db.session.execute(sa.update(table).where(
                table.c.harvest_source_id == self.source.id,
                table.c.harvest_key.in_(self.seen_keys)).values(
                harvest_seen_at=self.now, updated_at=table.c.updated_at))
        db.session.expire_all()


def overwrites_local_edits(initiative: Initiative, ours: bool, changes: dict) -> bool:
    """Tell whether the source's changes touch a field edited here since the harvest last
    wrote the entry (any field, for an entry this source never wrote: an import's)."""
    if not ours or initiative.harvest_revision is None:
        return True
    edits = db.session.scalars(sa.select(Revision).where(
        Revision.initiative_id == initiative.id, Revision.id > initiative.harvest_revision,
        Revision.action.in_(EDITS)))
    edited = {key for revision in edits for key in (revision.after or {})
              if (revision.before or {}).get(key) != revision.after[key]}
    return bool(edited & changes.keys())


def last_revisions(ids: list[int]) -> dict[int, int]:
    """Each entry's latest revision id."""
    found = {}
    for start in range(0, len(ids), 500):
        found.update(db.session.execute(
            sa.select(Revision.initiative_id, sa.func.max(Revision.id))
            .where(Revision.initiative_id.in_(ids[start:start + 500]))
            .group_by(Revision.initiative_id)).all())
    return found


def latest_change_set(initiative: Initiative, reason: str) -> ChangeSet | None:
    """The source's latest change set to the entry (its message starts with the reason)."""
    return db.session.scalar(
        sa.select(ChangeSet).where(ChangeSet.initiative_id == initiative.id,
                                   ChangeSet.author_id.is_(None),
                                   ChangeSet.message.startswith(f"{reason} — "))
        .order_by(ChangeSet.id.desc()).limit(1))
