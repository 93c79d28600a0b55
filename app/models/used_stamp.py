"""Form stamps already spent on an accepted submission, so each stamp serves once."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow


class UsedStamp(db.Model):
    """The primary key makes a second claim of the same nonce fail, across every process."""

    __tablename__ = "used_stamps"

    nonce: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<UsedStamp {self.nonce}>"
