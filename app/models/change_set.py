"""Change sets: a pending change to a published initiative, reviewed like a submission."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import in_check
from app.models.initiative import Initiative
from app.models.moderated import ModeratedMixin

CHANGE_SET_STATUSES = ("pending", "approved", "rejected", "withdrawn")


class ChangeSet(ModeratedMixin, db.Model):
    """Proposed new values for some fields of an initiative; the live record waits for approval.

    While pending, a set moderator_id means a moderator asked the proposer for changes.
    """

    __tablename__ = "change_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        sa.ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Private, like Initiative.private_email: only for the follow-up and the decision e-mail.
    proposer_email: Mapped[str | None] = mapped_column(sa.String(254))
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    message: Mapped[str] = mapped_column(sa.Text, default="")
    base_version: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(20), default="pending", index=True)

    initiative: Mapped[Initiative] = relationship()

    __table_args__ = (
        sa.CheckConstraint(in_check("status", CHANGE_SET_STATUSES), name="status"),
        # The moderation queue's pages, oldest first (app.moderation.services.SECTIONS).
        sa.Index("ix_change_sets_queue", "status", "created_at", "id"),
    )

    def __repr__(self) -> str:
        return f"<ChangeSet {self.id} initiative={self.initiative_id} {self.status}>"
