"""Following by e-mail: an address (a follower) and what it follows (a territory, a category,
an actor or one initiative), confirmed by a link sent to it before anything else is sent."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, in_check, utcnow

# What a follow may target: each is a filter parameter of the lists, except `initiative`.
FOLLOW_TARGETS = ("commune", "epci", "departement", "region", "theme", "actor", "initiative")
FOLLOW_FREQUENCIES = ("weekly", "immediate")


class Follower(db.Model):
    """An e-mail address following something: personal data, never shown but to its owner,
    deleted with its last follow."""

    __tablename__ = "followers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    # Random, carried by every signed link: an erased address's links die with its row even
    # if a new row reuses its id.
    secret: Mapped[str] = mapped_column(sa.String(32))
    # The language of the page where it subscribed: its e-mails are written in it.
    language: Mapped[str] = mapped_column(sa.String(5), default="fr")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    follows: Mapped[list["Follow"]] = relationship(
        back_populates="follower", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Follow.id")

    def __repr__(self) -> str:
        return f"<Follower {self.id}>"  # never the address: logs are not private


class Follow(db.Model):
    """One thing an address follows, how often it hears of it and what it was last told."""

    __tablename__ = "follows"

    id: Mapped[int] = mapped_column(primary_key=True)
    follower_id: Mapped[int] = mapped_column(
        sa.ForeignKey("followers.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(sa.String(20))
    code: Mapped[str] = mapped_column(sa.String(60))  # INSEE code, SIREN, slug or id
    frequency: Mapped[str] = mapped_column(sa.String(10), default="weekly")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # None until the address confirms; nothing but the confirmation is sent before.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last revision the digests have looked at for this follow: the next one tells what
    # came after it.
    seen_revision_id: Mapped[int] = mapped_column(default=0)

    follower: Mapped[Follower] = relationship(back_populates="follows")

    __table_args__ = (
        sa.UniqueConstraint("follower_id", "target", "code"),  # one follow per target
        sa.CheckConstraint(in_check("target", FOLLOW_TARGETS), name="target"),
        sa.CheckConstraint(in_check("frequency", FOLLOW_FREQUENCIES), name="frequency"),
    )

    def __repr__(self) -> str:
        return f"<Follow {self.id} {self.target}={self.code} {self.frequency}>"
