"""Follow-up links: the proposer's private access to a proposal, by a hashed token."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, utcnow
from app.models.change_set import ChangeSet
from app.models.initiative import Initiative


class FollowUp(db.Model):
    """Only the SHA-256 of the token is stored: a copy of the database opens no proposal."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    initiative_id: Mapped[int] = mapped_column(
        sa.ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    change_set_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("change_sets.id", ondelete="CASCADE"), index=True
    )
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    initiative: Mapped[Initiative] = relationship()
    change_set: Mapped[ChangeSet | None] = relationship()

    def __repr__(self) -> str:
        return f"<FollowUp {self.id} initiative={self.initiative_id}>"
