"""Digests of followers: what was published, changed or ended in what they follow since the
last one, weekly or at once; never an empty one.

What "since" means is a revision id, not a clock: each follow keeps the last revision the
digests looked at, so nothing is told twice and nothing falls between two runs. Revisions
younger than SETTLE are left for the next run: on PostgreSQL a transaction still open may hold
a lower id than one already committed.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.models import Follow, Follower, Initiative, Revision
from app.models.base import utcnow
from app.notifications.follow_targets import covered_initiatives, find_target
from app.notifications.follows import expire_unconfirmed, send

SETTLE = timedelta(minutes=1)
WEEK = timedelta(days=7)
# A weekly digest may leave a little early: the timer's runs drift by minutes.
EARLY = timedelta(hours=1)
# What a digest lists per follow at most; the rest is behind the list's link.
MAX_ITEMS = 30
TOLD_ACTIONS = ("create", "publish", "update", "archive")
# What an item says, the strongest first.
WHATS = ("published", "ended", "archived", "changed")


@dataclass(frozen=True)
class Item:
    initiative: Initiative
    what: str  # one of WHATS


@dataclass(frozen=True)
class Section:
    follow: Follow
    target: object  # app.notifications.follow_targets.Target
    items: list[Item]
    more: int


def send_digests(now: datetime | None = None) -> str:
    """Send each follower's due digest, one transaction per address; expire unconfirmed
    follows. Return what was done ("" for nothing)."""
    now = now or utcnow()
    with write_transaction():
        expired = expire_unconfirmed(now)
    ceiling = settled_revision(now)
    sent = 0
    for follower_id in due_followers(now, ceiling):
        with write_transaction():
            sent += send_digest(db.session.get(Follower, follower_id), now, ceiling)
    parts = [f"{sent} digest(s) sent"] if sent else []
    parts += [f"{expired} unconfirmed address(es) erased"] if expired else []
    return ", ".join(parts)


def settled_revision(now: datetime) -> int:
    """The last revision old enough that none before it can still appear."""
    return db.session.scalar(sa.select(sa.func.max(Revision.id)).where(
        Revision.created_at <= now - SETTLE)) or 0


def is_due(follow: Follow, now: datetime) -> bool:
    if follow.frequency == "immediate" or follow.last_sent_at is None:
        return True
    return now >= follow.last_sent_at + WEEK - EARLY


def due_followers(now: datetime, ceiling: int) -> list[int]:
    """The addresses with a confirmed follow due and revisions it has not looked at."""
    due = sa.or_(Follow.frequency == "immediate", Follow.last_sent_at.is_(None),
                 Follow.last_sent_at <= now - WEEK + EARLY)
    return db.session.scalars(sa.select(Follow.follower_id).distinct().where(
        Follow.confirmed_at.is_not(None), Follow.seen_revision_id < ceiling, due)
        .order_by(Follow.follower_id)).all()


def send_digest(follower: Follower | None, now: datetime, ceiling: int) -> bool:
    """Tell the follower what its due follows missed, if anything; move them past it."""
    if follower is None:
        return False
    due = [follow for follow in follower.follows if follow.confirmed_at is not None
           and is_due(follow, now) and follow.seen_revision_id < ceiling]
    sections = [section for follow in due if (section := section_of(follow, ceiling))]
    for follow in due:
        follow.seen_revision_id = ceiling
    if sections:
        for section in sections:
            section.follow.last_sent_at = now
        send(follower, "follow_digest", [section.follow for section in sections],
             sections=sections, count=sum(len(s.items) + s.more for s in sections))
    db.session.flush()
    return bool(sections)


def section_of(follow: Follow, ceiling: int) -> Section | None:
    """What happened to the follow's initiatives between its last look and the ceiling."""
    target = find_target(follow.target, follow.code)
    if target is None:  # a commune merged away, an initiative erased or unpublished
        return None
    whats = changes(follow, ceiling)
    if not whats:
        return None
    found = {initiative.id: initiative for initiative in db.session.scalars(
        sa.select(Initiative).where(Initiative.id.in_(whats)))}
    items = sorted((Item(found[i], what) for i, what in whats.items() if i in found),
                   key=lambda item: (WHATS.index(item.what), item.initiative.name.lower()))
    return Section(follow, target, items[:MAX_ITEMS], max(0, len(items) - MAX_ITEMS))


def changes(follow: Follow, ceiling: int) -> dict[int, str]:
    """Each covered initiative with a revision in the window, and what it says of it."""
    covered = covered_initiatives(follow.target, follow.code).order_by(None) \
        .with_only_columns(Initiative.id)
    rows = db.session.execute(sa.select(Revision.initiative_id, Revision.action,
                                        Revision.before, Revision.after)
                              .where(Revision.id > follow.seen_revision_id,
                                     Revision.id <= ceiling,
                                     Revision.action.in_(TOLD_ACTIONS),
                                     Revision.initiative_id.in_(covered)))
    found: dict[int, set[str]] = defaultdict(set)
    for initiative_id, action, before, after in rows:
        if what := what_of(action, before or {}, after or {}):
            found[initiative_id].add(what)
    return {i: min(whats, key=WHATS.index) for i, whats in found.items()}


def what_of(action: str, before: dict, after: dict) -> str | None:
    """What one revision tells a follower: published (imports and the seed create published
    entries), ended (an end date or the ended life status given), archived (taken off the
    map) or changed; None for a creation waiting for moderation."""
    if action == "create":
        return "published" if after.get("status") == "published" else None
    if action == "publish":
        return "published"
    if action == "archive":
        return "archived"
    if after.get("life_status") == "ended" != before.get("life_status") or (
            after.get("ended_on") and after.get("ended_on") != before.get("ended_on")):
        return "ended"
    return "changed"
