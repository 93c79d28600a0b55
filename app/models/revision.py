"""The append-only history of initiatives."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, in_check, utcnow

ACTIONS = (
    "create",
    "update",
    "publish",
    "reject",
    "archive",
    "request_changes",
    "merge",
    "erase",
)


class Revision(db.Model):
    """One creation, change, decision or merge, with who, when, why, before and after.

    The migration adds a trigger that refuses any UPDATE of this table.
    """

    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("initiatives.id", ondelete="SET NULL"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(30))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    __table_args__ = (sa.CheckConstraint(in_check("action", ACTIONS), name="action"),)

    def __repr__(self) -> str:
        return f"<Revision {self.id} {self.action} initiative={self.initiative_id}>"
