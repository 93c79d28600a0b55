"""The outbox: e-mails written in the request's transaction, sent later by the `outbox` job."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, in_check, utcnow

OUTBOX_STATUSES = ("pending", "sent", "failed")


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    # Erasing an initiative erases the messages about it (they may hold the private e-mail).
    initiative_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    # Headers of its own (a follower's List-Unsubscribe), added to the e-mail as they are.
    headers: Mapped[dict[str, str] | None] = mapped_column(sa.JSON)
    # A follower's messages go with the address when it is erased.
    follower_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("followers.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(sa.String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (sa.CheckConstraint(in_check("status", OUTBOX_STATUSES), name="status"),)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} to={self.recipient} {self.status}>"
