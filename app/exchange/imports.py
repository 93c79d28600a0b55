"""Imports: a dry run saying what each row will do, and a commit doing it in one transaction.

A row will be created, will update the initiative it came from (same external id, or our own
uid on a round trip), is unchanged, is a possible duplicate (find_duplicates, or a nearby
row of the same file), or is in error with its reasons. A row a scoped moderator may not
write (an initiative outside their territories, before or after the change, or a new one
there, pending or published) is an error too: skipped, never written. Committing re-plans
under the write lock, so what is written is what the data allows at that moment.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa

from app.exchange import rows as r
from app.exchange.mapping import check_mapping, theme_lookup
from app.exchange.neighbours import ExistingDuplicates, Neighbours
from app.exchange.report_rows import ReportRows, RowReport
from app.exchange.sources import Source, batches
from app.exchange.standard_imports import KINDS as STANDARD_KINDS
from app.extensions import db
from app.geo.territory import current_gazetteer
from app.initiatives.changes import changed_values
from app.initiatives.duplicates import RADIUS_M, distance_m, find_duplicates, similar
from app.initiatives.fields import InvalidInitiative, check_period
from app.initiatives.geojson import load_themes
from app.initiatives.scopes import check_change
from app.initiatives.services import NewInitiatives, update_initiative
from app.models import Initiative, User

ACTIONS = ("create", "update", "unchanged", "duplicate", "error")
FEW_ROWS = 50  # up to this, find_duplicates row by row: a few rows need no batch reads
# A row names at most this many possible duplicates and counts the others: in a crowded
# town a row may look like dozens of entries, a list no one reads (at 1,000,000 initiatives
# the report of 30,000 generated rows held 223,000 such lines: 28 MB of its 42).
NAMED_DUPLICATES = 5
# Rows planned at a time: their known initiatives and their existing neighbours are read in
# a few statements per batch, and held no longer than the batch.
NEAR_BATCH = 200


@dataclass
class ImportOptions:
    status: str = "pending"
    default_kind: str = "initiative"
    shapes_to_points: bool = False
    include_duplicates: bool = False
    source_label: str = ""
    site: str = ""


@dataclass
class ImportReport:
    """A file's rows and what each will do (or did): the rows are read back from a file."""

    filename: str
    format: str
    rows: ReportRows
    committed: bool = False

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(row.action for row in self.rows)
        return {action: found.get(action, 0) for action in ACTIONS}

    @property
    def written(self) -> int:
        return sum(1 for row in self.rows if row.written_id is not None)


def dry_run(source: Source, mapping: dict[str, str], options: ImportOptions,
            user: User | None = None) -> ImportReport:
    """Say, without writing anything, what importing the source would do to each row.

    With a user, rows outside their territories are skipped. Raise ImportFileError when the
    mapping cannot work for any row (no name, no place).
    """
    report = ImportReport(source.filename, source.format, ReportRows())
    planner = Planner(import_context(source, mapping, options), user)
    for batch in planner.plan_batches(source.rows, len(source.rows) > FEW_ROWS):
        report.rows.extend(batch)  # without their values: the commit reads the rows again
    return report


def import_context(source: Source, mapping: dict[str, str],
                   options: ImportOptions) -> r.RowContext:
    """The rows' shared context for a file import; raise ImportFileError for a mapping that
    cannot work for any row."""
    check_mapping(source, mapping)
    return row_context(source, mapping, options,
                       r.source_key(options.source_label or source.filename))


def row_context(source: Source, mapping: dict[str, str], options: ImportOptions,
                source_key: str) -> r.RowContext:
    """What every row of the source shares; its external ids start with source_key."""
    return r.RowContext(
        source=source, mapping=mapping, themes=theme_lookup(list(load_themes().values())),
        gazetteer=current_gazetteer(),
        default_kind=STANDARD_KINDS.get(source.format, options.default_kind),
        shapes_to_points=options.shapes_to_points, source_key=source_key,
        site_host=urlsplit(options.site).netloc,
    )


class Planner:
    """Plans the rows a batch at a time: reads the batch, loads the initiatives its rows may
    already be (and, on large files, those they may duplicate) in a few queries, then decides
    row by row, remembering the file's ids and points seen so far."""

    def __init__(self, ctx: r.RowContext, user: User | None = None):
        self.ctx, self.user = ctx, user
        self.seen: dict[str, str] = {}
        self.neighbours = Neighbours()
        self.known = KnownInitiatives([])
        self.existing: ExistingDuplicates | None = None

    def plan_all(self, rows: list) -> list[RowReport]:
        return [row for batch in self.plan_batches(rows, len(rows) > FEW_ROWS) for row in batch]

    def plan_batches(self, rows: Iterable, large: bool) -> Iterator[list[RowReport]]:
        """The rows' reports, NEAR_BATCH at a time, the rows read as they are planned (on a
        large file, read once before for the initiatives they may duplicate)."""
        self.existing = (ExistingDuplicates(self.looked_up(rows), NEAR_BATCH,
                                            NAMED_DUPLICATES + 1) if large else None)
        for batch in batches(rows, NEAR_BATCH):
            yield self.plan_batch(batch)
        self.existing = None

    def looked_up(self, rows: Iterable) -> Iterator[tuple]:
        """What a duplicate is looked up by, for each readable row: its number, name, point
        and website."""
        for row in rows:
            values = r.row_values(row, self.ctx)
            if not values.problems:
                yield row.number, values.data["name"], values.point, values.data.get("website")

    def plan_batch(self, rows: list) -> list[RowReport]:
        """Plan a batch of rows: only its values and the initiatives it may be are held
        meanwhile, whatever the sizes of the file and of the table."""
        prepared = [self.prepare(row) for row in rows]
        self.known = KnownInitiatives([who for _, _, who in prepared if who is not None])
        return [self.decide(*item) for item in prepared]

    def prepare(self, row) -> tuple:
        values = r.row_values(row, self.ctx)
        who = None if values.problems else r.identity(row, values, self.ctx)
        return row, values, who

    def decide(self, row, values: r.RowValues, who: r.Identity | None) -> RowReport:
        report = RowReport(row.number, row.label, str(values.data.get("name") or ""))
        if who is None:
            return fail(report, values.problems)
        if who.key in self.seen:
            return fail(report, [f"Même identifiant que {self.seen[who.key]} : ignorée."])
        self.seen[who.key] = row.label
        existing = self.known.match(who, values)
        if existing is not None:
            report = planned_update(report, existing, values.data)
            if report.action == "update":
                self.refuse_outside_scope(report, existing)
            return report
        report.data = new_values(values, who)
        # Even a pending row: its moderators would review what another wrote there.
        if self.refuse_outside_scope(report, None):
            return report
        return self.check_duplicates(report, values.point, row.label, who.explicit)

    def refuse_outside_scope(self, report: RowReport, existing: Initiative | None) -> bool:
        """Tell whether the user may not write the row in that territory; if so, skip it."""
        try:
            check_change(self.user, existing, report.data)
        except InvalidInitiative as refused:
            fail(report, [f"{message.rstrip('.')} : ligne ignorée."
                          for message in refused.errors.values()])
            return True
        return False

    def check_duplicates(self, report: RowReport, point, label: str, named: bool) -> RowReport:
        """Compare with existing initiatives, and with earlier rows the file did not name
        (two rows with their own ids are two things, however alike)."""
        data = report.data
        in_file = [] if named else self.neighbours.similar(data["name"], point)
        if not named:
            self.neighbours.add(data["name"], point, label)
        existing, total = self.duplicates(report.number, data, point)
        reasons = duplicate_reasons(existing, in_file, total)
        if reasons:
            report.action, report.reasons = "duplicate", reasons
        return report

    def duplicates(self, number: int, data: dict, point) -> tuple[list, int]:
        """find_duplicates' answer (on large files, its first few as (id, name), found for
        the row before the planning), and how many it holds in all."""
        if self.existing is None:
            lon, lat = point if point else (None, None)
            found = find_duplicates(data["name"], lon, lat, data.get("website"))
            return found, len(found)
        return self.existing.of(number)


def duplicate_reasons(existing: list, in_file: list[str], total: int | None = None
                      ) -> list[str]:
    """Why a row may be a duplicate: the existing initiatives (id, name), total of them in
    all (when only the first are given), and the file's rows it looks like; the first
    NAMED_DUPLICATES of each named and the others counted."""
    total = len(existing) if total is None else total
    return (named_then_counted(existing, total, lambda i: f"Doublon possible de l'initiative "
                               f"n° {i.id} « {i.name} ».", "autres initiatives semblables à "
                               "moins de 1 km ou au même site")
            + named_then_counted(in_file, len(in_file), lambda other: f"Doublon possible de "
                                 f"{other} du fichier.", "autres lignes semblables du fichier "
                                 "à moins de 1 km"))


def named_then_counted(found: list, total: int, reason: Callable, others: str) -> list[str]:
    """A reason for each of the total found (the first of them given), or for the first
    NAMED_DUPLICATES when at least two more would be counted, then the count of the others."""
    if total <= NAMED_DUPLICATES + 1:
        return [reason(item) for item in found]
    return [*(reason(item) for item in found[:NAMED_DUPLICATES]),
            f"Et {total - NAMED_DUPLICATES} {others}."]


def new_values(values: r.RowValues, who: r.Identity) -> dict:
    """The values a new initiative gets from its row."""
    return {**values.data, "external_id": who.key}


def fail(report: RowReport, reasons: list[str]) -> RowReport:
    report.action, report.reasons = "error", reasons
    return report


class KnownInitiatives:
    """The initiatives the file's rows may already be, loaded by batches of ids."""

    BATCH = 500

    def __init__(self, identities: list[r.Identity]):
        self.by_key = self.load(Initiative.external_id, [who.key for who in identities])
        self.by_id = self.load(Initiative.id, [w.own_id for w in identities if w.own_id])

    def load(self, column: sa.Column, values: list) -> dict:
        found = {}
        for start in range(0, len(values), self.BATCH):
            batch = values[start:start + self.BATCH]
            for initiative in db.session.scalars(sa.select(Initiative).where(column.in_(batch))):
                found[getattr(initiative, column.key)] = initiative
        return found

    def match(self, who: r.Identity, values: r.RowValues) -> Initiative | None:
        """The initiative this row already is: same external id, or our own uid (same
        place or a similar name: another database's id is not ours)."""
        found = self.by_key.get(who.key)
        if found is not None or who.own_id is None:
            return found
        candidate = self.by_id.get(who.own_id)
        if candidate is None:
            return None
        point = values.point
        near = point and distance_m(*point, candidate.lon, candidate.lat) <= RADIUS_M
        return candidate if near or similar(values.data["name"], candidate.name) else None


def planned_update(report: RowReport, initiative: Initiative, data: dict) -> RowReport:
    report.target_id = initiative.id
    changes = changed_values(initiative, data)
    try:  # a date the file gives alone must fit the initiative's other one
        check_period(changes, initiative)
    except InvalidInitiative as invalid:
        return fail(report, r.problems_of(invalid))
    report.data = changes
    report.action = "update" if changes else "unchanged"
    if changes:
        report.reasons = [f"Initiative n° {initiative.id} : {', '.join(sorted(changes))}."]
    return report


def commit(source: Source, mapping: dict[str, str], options: ImportOptions,
           author: User | None) -> ImportReport:
    """Write every accepted row (run inside write_transaction: all rows or none).

    Planned whole first, as the dry run (the rows written must not change what later rows
    are found to duplicate), then each accepted row is read again and written, a batch at
    a time: neither the file's values, nor its initiatives, nor its report are held together.
    """
    planned = dry_run(source, mapping, options, author)
    ctx = import_context(source, mapping, options)
    report = ImportReport(source.filename, source.format, ReportRows(), committed=True)
    writer = Writer(options.source_label or source.filename, options.status, author,
                    report.rows)
    for raw, row in zip(source.rows, planned.rows, strict=True):
        if row.action == "create" or (row.action == "duplicate" and options.include_duplicates):
            values = r.row_values(raw, ctx)
            row.data = new_values(values, r.identity(raw, values, ctx))
            writer.create(row)
            continue
        if row.action == "update":
            writer.write()  # in the file's order, as row by row
            initiative = db.session.get(Initiative, row.target_id)
            changes = changed_values(initiative, r.row_values(raw, ctx).data)
            update_initiative(initiative, changes, author=author, reason=writer.reason)
            row.written_id = initiative.id
        writer.keep(row)
    writer.write()
    return report


class Writer(NewInitiatives):
    """Creates the rows' initiatives a batch at a time, each row saying which initiative it
    became; with a report (done), adds the rows to it in the file's order once written."""

    BATCH = 500

    def __init__(self, source: str, status: str, author: User | None,
                 done: ReportRows | None = None):
        super().__init__(author=author, status=status, reason=f"Import : {source}")
        self.source, self.done = source, done
        self.rows: list[RowReport] = []  # since the last write, in order
        self.created: list[RowReport] = []  # those of them to create

    def create(self, row: RowReport) -> None:
        self.rows.append(row)
        self.created.append(row)
        self.add({"source": self.source, **row.data})
        row.data = None

    def keep(self, row: RowReport) -> None:
        """Add a row that creates nothing, after those before it."""
        self.rows.append(row)
        if len(self.rows) >= self.BATCH:
            self.write()

    def write(self) -> list[Initiative]:
        written = super().write()
        for row, initiative in zip(self.created, written, strict=True):
            row.written_id = initiative.id
        if self.done is not None:
            self.done.extend(self.rows)
        self.rows, self.created = [], []
        return written
