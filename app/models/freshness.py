"""What keeps an entry true over time: its life status and its re-confirmation reminders."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, validates

from app.clock import LOCAL_ZONE
from app.models.base import UTCDateTime, in_check

# "permanent": made permanent after the crisis (pérennisée).
LIFE_STATUSES = ("active", "permanent", "ended")


class FreshnessColumns:
    """The initiative's columns for freshness (mixed into Initiative)."""

    life_status: Mapped[str] = mapped_column(
        sa.String(12), sa.CheckConstraint(in_check("life_status", LIFE_STATUSES),
                                          name="life_status"),
        default="active", server_default="active", index=True)
    # What made it last, or why it stopped and what it left.
    life_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Reminders sent since the last confirmation; reset when someone confirms.
    reminders_sent: Mapped[int] = mapped_column(default=0, server_default="0")
    last_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the reminders went unanswered: the entry waits in the moderators' stale queue.
    stale_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @validates("published_at")
    def count_publication_as_confirmation(self, key: str, value: datetime | None):
        """An entry published without a confirmation date counts from its publication."""
        if value is not None and getattr(self, "last_verified_on", None) is None:
            self.last_verified_on = value.astimezone(LOCAL_ZONE).date()
        return value
