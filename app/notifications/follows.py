"""Following by e-mail without an account: subscribe (double opt-in), confirm, change how
often, stop, erase the address; flush only, the request or the job commits.

An address is personal data: it is never shown but through its own signed links, and it is
erased with its last follow (unsubscribing, stopping everything, an erasure request, or a
follow left unconfirmed).
"""

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy.dialects import postgresql, sqlite

from app.database import is_sqlite
from app.extensions import db
from app.initiatives.paths import absolute_url
from app.models import Follow, Follower, Revision
from app.models.base import utcnow
from app.notifications.follow_links import CONFIRM, MANAGE, UNSUBSCRIBE, confirm_days, sign
from app.notifications.follow_targets import Target
from app.notifications.outbox import enqueue

INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def normalise(email: str) -> str:
    return email.strip().lower()


def follower_of(email: str, language: str) -> Follower:
    """The address's follower row, created when it follows nothing yet.

    INSERT … ON CONFLICT DO NOTHING: of two forms sent at once with a new address, the
    second inserts nothing and finds the first one's row instead of failing on the unique
    address.
    """
    address = normalise(email)
    insert = INSERTS[db.engine.dialect.name](Follower.__table__).values(
        email=address, secret=secrets.token_hex(16), language=language, created_at=utcnow())
    db.session.execute(insert.on_conflict_do_nothing(index_elements=["email"]))
    return db.session.scalar(sa.select(Follower).where(Follower.email == address))


def subscribe(email: str, target: Target, frequency: str, language: str = "fr") -> Follow:
    """Record an unconfirmed follow and send its confirmation link; nothing else is sent
    before it is confirmed. An address following the target already is told so instead,
    with the link to its follows: a stranger typing it learns nothing and changes nothing."""
    follower = follower_of(email, language)
    follow = db.session.scalar(sa.select(Follow).where(
        Follow.follower_id == follower.id, Follow.target == target.kind,
        Follow.code == target.code))
    if follow is not None and follow.confirmed_at is not None:
        send(follower, "follow_already", [follow], target=target)
        return follow
    if follow is None:
        follow = Follow(follower=follower, target=target.kind, code=target.code)
        db.session.add(follow)
    follow.frequency, follow.created_at = frequency, utcnow()  # a new link, a new delay
    db.session.flush()
    send(follower, "follow_confirm", [follow], target=target, frequency=frequency,
         confirm_token=sign(CONFIRM, follower, [follow]), days=confirm_days())
    return follow


def send(follower: Follower, template: str, follows: list[Follow], **context) -> None:
    """Queue a message to a follower, in its language, with its one-click unsubscribe from
    the follows it is about (RFC 8058) and the link to all the address's follows."""
    token = sign(UNSUBSCRIBE, follower, follows)
    unsubscribe_url = absolute_url("following.unsubscribe", token=token)
    headers = {"List-Unsubscribe": f"<{unsubscribe_url}>",
               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    context.setdefault("manage_token", sign(MANAGE, follower))
    with force_locale(follower.language):
        enqueue(follower.email, template, headers=headers, follower_id=follower.id,
                language=follower.language, unsubscribe_url=unsubscribe_url, **context)


def latest_revision_id() -> int:
    return db.session.scalar(sa.select(sa.func.max(Revision.id))) or 0


def confirm(follower: Follower, follow_ids: list[int], now: datetime | None = None) -> list[Follow]:
    """Confirm these follows of the address: digests tell what happens from now on."""
    now = now or utcnow()
    follows = [follow for follow in follower.follows if follow.id in follow_ids]
    for follow in follows:
        if follow.confirmed_at is None:
            follow.confirmed_at = follow.last_sent_at = now
            follow.seen_revision_id = latest_revision_id()
    db.session.flush()
    return follows


def set_frequency(follower: Follower, follow_id: int, frequency: str) -> None:
    for follow in follower.follows:
        if follow.id == follow_id:
            follow.frequency = frequency
    db.session.flush()


def stop(follower: Follower, follow_ids: list[int] | None = None) -> bool:
    """Stop these follows (all when None); erase the address with its last one. Return
    whether the address was erased."""
    for follow in list(follower.follows):
        if follow_ids is None or follow.id in follow_ids:
            follower.follows.remove(follow)
    db.session.flush()
    if follower.follows:
        return False
    erase(follower)
    return True


def erase(follower: Follower) -> None:
    """Delete the address, its follows and every message to it (the database cascades)."""
    if is_sqlite():
        # Freed pages are overwritten with zeros instead of keeping the address.
        db.session.execute(sa.text("PRAGMA secure_delete = ON"))
    db.session.delete(follower)
    db.session.flush()


def erase_address(email: str) -> bool:
    """An erasure request: delete everything about this address; False when unknown."""
    follower = db.session.scalar(sa.select(Follower).where(Follower.email == normalise(email)))
    if follower is not None:
        erase(follower)
    return follower is not None


def expire_unconfirmed(now: datetime | None = None) -> int:
    """Delete the follows left unconfirmed past their link's life, and the addresses left
    following nothing; return how many addresses were erased."""
    limit = (now or utcnow()) - timedelta(days=confirm_days())
    db.session.execute(sa.delete(Follow).where(Follow.confirmed_at.is_(None),
                                               Follow.created_at < limit))
    orphans = db.session.scalars(sa.select(Follower).where(
        ~sa.exists().where(Follow.follower_id == Follower.id))).all()
    for follower in orphans:
        erase(follower)
    return len(orphans)
