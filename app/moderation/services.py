"""The moderation queue and the decisions taken from it, with their e-mails; flush only."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.database import as_integer
from app.extensions import db
from app.geo.spatial import with_themes
from app.initiatives import change_sets, moderation, reports
from app.initiatives.scopes import scope_condition
from app.models import KINDS, ChangeSet, Initiative, RejectReason, Report, User
from app.models.base import utcnow
from app.notifications import messages
from app.web import keyset

ITEM_TYPES = ("proposal", "correction", "report")
AGES = (0, 7, 30)
QUEUE_PAGE = 50  # items per page of each section
CODE_LENGTHS = {"departement": 3, "region": 2}
FILTER_PARAMS = ("type", "kind", "theme", "departement", "region", "older_than")


@dataclass(frozen=True)
class QueueFilters:
    type: str = ""
    kind: str = ""
    theme: str = ""
    departement: str = ""
    region: str = ""
    older_than: int = 0  # days waiting, at least

    def shows(self, item_type: str) -> bool:
        return not self.type or self.type == item_type


@dataclass(frozen=True)
class Section:
    """One section of the queue: what waits in it, its page order and its cursor parameter."""

    item_type: str
    model: type
    status: str
    param: str

    @property
    def order(self) -> keyset.Order:
        """Oldest first; the id breaks ties, so every item is on exactly one page."""
        return keyset.Order(f"queue-{self.item_type}", (self.model.created_at, self.model.id),
                            (keyset.time_key, keyset.int_key))


SECTIONS = (Section("proposal", Initiative, "pending", "proposals"),
            Section("correction", ChangeSet, "pending", "corrections"),
            Section("report", Report, "open", "reports"))
QUEUE_PARAMS = FILTER_PARAMS + tuple(section.param for section in SECTIONS)


@dataclass
class Queue:
    """A page of each section shown (None for a section the filters hide)."""

    proposals: keyset.Page | None
    change_sets: keyset.Page | None
    reports: keyset.Page | None

    @property
    def total(self) -> int:
        """How many items wait in all the sections shown, not only on these pages."""
        return sum(page.total for page in (self.proposals, self.change_sets, self.reports)
                   if page is not None)


def parse_queue_filters(args: MultiDict) -> QueueFilters:
    """Read the queue filters from the query string, dropping values that make no sense."""
    def pick(name: str, allowed) -> str:
        value = (args.get(name) or "").strip()
        return value if value in allowed else ""

    def code(name: str) -> str:
        value = (args.get(name) or "").strip().upper()
        return value if value.isalnum() and len(value) <= CODE_LENGTHS[name] else ""

    older = args.get("older_than", "0")
    return QueueFilters(type=pick("type", ITEM_TYPES), kind=pick("kind", KINDS),
                        theme=(args.get("theme") or "").strip()[:60],
                        departement=code("departement"), region=code("region"),
                        older_than=int(older) if older in {str(age) for age in AGES} else 0)


def queue_args(args: MultiDict) -> dict[str, str]:
    """The filters and page cursors of a queue URL: where a decision taken from it leads back."""
    return {name: args[name] for name in QUEUE_PARAMS if args.get(name)}


def initiative_conditions(user: User, filters: QueueFilters) -> list[sa.ColumnElement[bool]]:
    """Conditions on Initiative: the user's territories, then the filters."""
    conditions = [scope_condition(user)]
    if filters.kind:
        conditions.append(Initiative.kind == filters.kind)
    if filters.theme:
        conditions.append(with_themes([filters.theme]))
    if filters.departement:
        conditions.append(Initiative.departement == filters.departement)
    if filters.region:
        conditions.append(Initiative.region == filters.region)
    return conditions


def load_queue(user: User, filters: QueueFilters,
               cursors: Mapping[str, keyset.Cursor | None] | None = None) -> Queue:
    """A page of what waits for this moderator in each section, oldest first, within their
    territories; `cursors` (by item type) say which page of each section to show."""
    conditions = initiative_conditions(user, filters)
    cutoff = utcnow() - timedelta(days=filters.older_than)
    cursors = cursors or {}
    pages = {section.item_type: section_page(section, waiting(section, conditions, cutoff),
                                             cursors.get(section.item_type))
             for section in SECTIONS if filters.shows(section.item_type)}
    return Queue(*(pages.get(item_type) for item_type in ITEM_TYPES))


def waiting(section: Section, conditions: list, cutoff) -> sa.Select:
    """The section's items waiting since before the cutoff, under the conditions."""
    model = section.model
    stmt = sa.select(model)
    if model is not Initiative:
        stmt = stmt.join(model.initiative)
    return stmt.where(model.status == section.status, model.created_at <= cutoff, *conditions)


def section_page(section: Section, stmt: sa.Select, cursor: keyset.Cursor | None) -> keyset.Page:
    """The page of the section's items the cursor leads to, with the section's count."""
    total = db.session.scalar(stmt.with_only_columns(sa.func.count(), maintain_column_froms=True)
                              .order_by(None))
    found = keyset.window(stmt, section.order, cursor, QUEUE_PAGE, total)
    ids = [keys[-1] for keys in found.keys]
    model = section.model
    loaded = {item.id: item for item in db.session.scalars(sa.select(model)
                                                           .where(model.id.in_(ids)))}
    # An item decided on between the two reads is left out, not shown in a wrong state.
    return keyset.paged([loaded[id_] for id_ in ids if id_ in loaded], total, QUEUE_PAGE,
                        section.order, found)


def active_reasons() -> list[RejectReason]:
    return list(db.session.scalars(sa.select(RejectReason).where(
        RejectReason.active.is_(True)).order_by(RejectReason.position, RejectReason.id)))


def reason_text(reason_id: Any, typed: str) -> str:
    """What the moderator typed, else the text of the reusable reason they picked."""
    if typed and typed.strip():
        return typed.strip()
    reason_id = as_integer(reason_id)
    reason = db.session.get(RejectReason, reason_id) if reason_id else None
    return reason.text if reason else ""


def decide_initiative(initiative: Initiative, decision: str, *, moderator: User, reason: str,
                      expected_version: int | None,
                      changes: dict[str, Any] | None = None) -> Initiative:
    """Decide on an initiative and tell its proposer."""
    moderation.decide(initiative, decision, moderator=moderator, reason=reason,
                      expected_version=expected_version, changes=changes)
    messages.decision(initiative, decision, reason)
    return initiative


def decide_change_set(change_set: ChangeSet, decision: str, *, moderator: User, reason: str,
                      expected_version: int | None) -> ChangeSet:
    """Decide on a change set and tell its proposer."""
    change_sets.decide_change_set(change_set, decision, moderator=moderator, reason=reason,
                                  expected_version=expected_version)
    messages.change_set_decision(change_set, decision, reason)
    return change_set


def close_report(report: Report, decision: str, *, moderator: User, comment: str,
                 expected_version: int | None, archive: bool) -> Report:
    """Close a report, archiving its initiative when the moderator asks for it."""
    reports.decide_report(report, decision, moderator=moderator, comment=comment,
                          expected_version=expected_version)
    if archive and report.initiative.status == "published":
        moderation.decide(report.initiative, "archive", moderator=moderator,
                          reason=comment or f"Signalement n° {report.id}", expected_version=None)
        # The comment is the moderators' note on the report, not a message to the proposer.
        messages.decision(report.initiative, "archive", "")
    return report


def load_bulk_item(key: str) -> tuple[Initiative | ChangeSet, int] | None:
    """The item behind a bulk checkbox value ("proposal:12:3": type, id, version seen)."""
    parts = key.split(":")
    if len(parts) != 3:
        return None
    model = {"proposal": Initiative, "correction": ChangeSet}.get(parts[0])
    item_id, version = as_integer(parts[1]), as_integer(parts[2])
    if model is None or item_id is None or version is None:
        return None
    item = db.session.get(model, item_id)
    return (item, version) if item is not None else None


def decide_item(item: Initiative | ChangeSet, decision: str, *, moderator: User, reason: str,
                expected_version: int) -> None:
    """One decision of a bulk: on a proposal or on a correction."""
    decide = decide_initiative if isinstance(item, Initiative) else decide_change_set
    decide(item, decision, moderator=moderator, reason=reason, expected_version=expected_version)
