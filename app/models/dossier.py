"""Dossiers: curated, citable collections of initiatives, with their own sources."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, utcnow
from app.models.source import SourceColumns

SLUG_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"


class Dossier(db.Model):
    __tablename__ = "dossiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    # Markdown, rendered by the app's safe renderer.
    introduction: Mapped[str] = mapped_column(sa.Text, default="")
    # Where the index lists it: lowest first.
    position: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    sources: Mapped[list["DossierSource"]] = relationship(
        order_by="DossierSource.position", lazy="selectin", cascade="all, delete-orphan",
        passive_deletes=True)
    entries: Mapped[list["DossierEntry"]] = relationship(
        order_by="DossierEntry.position", cascade="all, delete-orphan", passive_deletes=True)

    def __repr__(self) -> str:
        return f"<Dossier {self.slug}>"


class DossierSource(SourceColumns, db.Model):
    __tablename__ = "dossier_sources"

    dossier_id: Mapped[int] = mapped_column(sa.ForeignKey("dossiers.id", ondelete="CASCADE"))

    __table_args__ = (sa.Index("ix_dossier_sources_dossier_id", "dossier_id", "position"),)

    def __repr__(self) -> str:
        return f"<DossierSource {self.dossier_id}#{self.position} {self.title!r}>"


class DossierEntry(db.Model):
    """An initiative in a dossier, at its place in the dossier's order."""

    __tablename__ = "dossier_initiatives"

    dossier_id: Mapped[int] = mapped_column(
        sa.ForeignKey("dossiers.id", ondelete="CASCADE"), primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        sa.ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    # The filter reads it from the initiative's side: which dossiers hold it.
    __table_args__ = (sa.Index("ix_dossier_initiatives_initiative_id", "initiative_id",
                               "dossier_id"),)
