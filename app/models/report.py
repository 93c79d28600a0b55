"""Reports: a problem with a published initiative signalled by the public."""


import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import in_check
from app.models.initiative import Initiative
from app.models.moderated import ModeratedMixin

REPORT_KINDS = ("closed", "duplicate", "wrong_place", "inappropriate", "other")
REPORT_STATUSES = ("open", "resolved", "dismissed")


class Report(ModeratedMixin, db.Model):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        sa.ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(20))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reporter_email: Mapped[str | None] = mapped_column(sa.String(254))  # private
    status: Mapped[str] = mapped_column(sa.String(20), default="open", index=True)

    initiative: Mapped[Initiative] = relationship()

    __table_args__ = (
        sa.CheckConstraint(in_check("kind", REPORT_KINDS), name="kind"),
        sa.CheckConstraint(in_check("status", REPORT_STATUSES), name="status"),
        # The moderation queue's pages, oldest first (app.moderation.services.SECTIONS).
        sa.Index("ix_reports_queue", "status", "created_at", "id"),
    )

    def __repr__(self) -> str:
        return f"<Report {self.id} {self.kind} initiative={self.initiative_id} {self.status}>"
