"""Sources: where an initiative's (or a dossier's) facts come from, in order."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

SOURCE_FIELDS = ("title", "url", "published_on", "quote", "locator")


class SourceColumns:
    """What every cited source holds, whatever it supports (an initiative, a dossier)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(300))
    url: Mapped[str | None] = mapped_column(sa.String(500))
    published_on: Mapped[date | None]
    # The exact passage that supports the entry, as the document words it.
    quote: Mapped[str | None] = mapped_column(sa.Text)
    # Where in the document: a section, a page.
    locator: Mapped[str | None] = mapped_column(sa.String(200))

    def as_dict(self) -> dict:
        """The source as the API, the history and the forms give it."""
        return {"title": self.title, "url": self.url,
                "published_on": self.published_on.isoformat() if self.published_on else None,
                "quote": self.quote, "locator": self.locator}


class InitiativeSource(SourceColumns, db.Model):
    __tablename__ = "initiative_sources"

    initiative_id: Mapped[int] = mapped_column(
        sa.ForeignKey("initiatives.id", ondelete="CASCADE"))

    __table_args__ = (
        sa.Index("ix_initiative_sources_initiative_id", "initiative_id", "position"),
    )

    def __repr__(self) -> str:
        return f"<InitiativeSource {self.initiative_id}#{self.position} {self.title!r}>"
