"""Staged imports: a file's parsed rows, kept between the import steps under a random token,
in chunks of rows (read one at a time)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow


class StagedImport(db.Model):
    """Parsed once at upload, read by the mapping, the dry run and the commit, deleted by the
    commit's own transaction: every app process sees it, and it is written once."""

    __tablename__ = "staged_imports"

    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    owner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(200))
    format: Mapped[str] = mapped_column(sa.String(20))
    columns: Mapped[list] = mapped_column(sa.JSON)
    row_count: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<StagedImport {self.filename} rows={self.row_count} owner={self.owner_id}>"


class StagedImportChunk(db.Model):
    """A run of a staged file's rows, in the file's order (position 0 first), as compressed
    JSON (see app/exchange/staging.py): no step holds more than one chunk of them."""

    __tablename__ = "staged_import_chunks"

    token: Mapped[str] = mapped_column(
        sa.ForeignKey("staged_imports.token", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    rows: Mapped[bytes] = mapped_column(sa.LargeBinary)
