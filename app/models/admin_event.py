"""The audit trail of admin actions: accounts, scopes, themes, reject reasons, erasures."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, in_check, utcnow

ADMIN_ACTIONS = (
    "user_create",
    "role_change",
    "rename",
    "password_set",
    "activate",
    "deactivate",
    "scope_add",
    "scope_remove",
    "theme_create",
    "theme_update",
    "theme_delete",
    "reason_create",
    "reason_update",
    "erase",
    "dossier_create",
    "dossier_update",
    "dossier_delete",
    "source_create",
    "source_update",
    "source_pause",
    "source_resume",
    "source_sync",
)


class AdminEvent(db.Model):
    """One admin action: who, when, what, on whom, the values before and after.

    Never a password or its hash: a new password is recorded as the fact alone.
    """

    __tablename__ = "admin_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # None: the command line, which has no user.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(30))
    target_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # What was acted on, as it was named then: an e-mail, a theme's slug, an initiative's id.
    subject: Mapped[str] = mapped_column(sa.String(300), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    __table_args__ = (sa.CheckConstraint(in_check("action", ADMIN_ACTIONS), name="action"),)

    def __repr__(self) -> str:
        return f"<AdminEvent {self.id} {self.action} {self.subject}>"
