"""Initiatives, their themes and tags."""

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.actor import ACTOR_TYPES, ActorColumns
from app.models.base import UTCDateTime, in_check, utcnow
from app.models.freshness import FreshnessColumns
from app.models.harvest import HARVEST_CONSTRAINTS, HarvestColumns
from app.models.lineage import LineageLinks
from app.models.place_details import PlaceDetailsColumns
from app.models.scope import ScopeColumns

if TYPE_CHECKING:
    from app.models.source import InitiativeSource

STATUSES = ("pending", "published", "rejected", "archived")
KINDS = ("initiative", "field_site", "place", "resource", "organisation")
LOCATION_PRECISIONS = ("address", "commune", "territory")

initiative_themes = sa.Table(
    "initiative_themes",
    db.metadata,
    sa.Column(
        "initiative_id", sa.ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("theme_id", sa.ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_initiative_themes_theme_id", "theme_id", "initiative_id"),
)

initiative_tags = sa.Table(
    "initiative_tags",
    db.metadata,
    sa.Column(
        "initiative_id", sa.ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("tag_id", sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class Theme(db.Model):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    label_fr: Mapped[str] = mapped_column(sa.String(120))
    label_en: Mapped[str] = mapped_column(sa.String(120))
    colour: Mapped[str] = mapped_column(sa.String(7))
    icon: Mapped[str] = mapped_column(sa.String(40))
    position: Mapped[int] = mapped_column(default=0)
    # Two levels: a child's parent is a top category (app.initiatives.themes keeps it so).
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("themes.id"), index=True)
    # The overlapping data·inclusion thématique, e.g. "numerique" or "famille--garde".
    data_inclusion: Mapped[str | None] = mapped_column(sa.String(80))

    parent: Mapped["Theme | None"] = relationship(remote_side=[id], lazy="joined")

    __table_args__ = (sa.CheckConstraint("length(colour) = 7", name="colour_hex"),)

    def label(self, locale: str) -> str:
        """Return the label in the given locale, French otherwise."""
        return self.label_en if locale == "en" else self.label_fr

    @property
    def top(self) -> "Theme":
        """The top category this theme is or belongs to."""
        return self.parent or self

    def __repr__(self) -> str:
        return f"<Theme {self.slug}>"


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60), unique=True)

    def __repr__(self) -> str:
        return f"<Tag {self.name}>"


class Initiative(ActorColumns, PlaceDetailsColumns, LineageLinks, FreshnessColumns,
                 ScopeColumns, HarvestColumns, db.Model):
    __tablename__ = "initiatives"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.String(400), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[str] = mapped_column(sa.String(20))
    actor_name: Mapped[str] = mapped_column(sa.String(200), default="")
    actor_type: Mapped[str | None] = mapped_column(sa.String(30), index=True)

    # NULL for an initiative whose scope is a whole territory (app.models.scope).
    lon: Mapped[float | None] = mapped_column(sa.Float)
    lat: Mapped[float | None] = mapped_column(sa.Float)
    location_precision: Mapped[str] = mapped_column(sa.String(20), default="commune")
    insee: Mapped[str | None] = mapped_column(sa.String(5), index=True)
    commune_name: Mapped[str | None] = mapped_column(sa.String(120))
    epci: Mapped[str | None] = mapped_column(sa.String(9), index=True)
    departement: Mapped[str | None] = mapped_column(sa.String(3), index=True)
    region: Mapped[str | None] = mapped_column(sa.String(2), index=True)

    website: Mapped[str | None] = mapped_column(sa.String(500))
    public_contact: Mapped[str | None] = mapped_column(sa.String(300))
    private_email: Mapped[str | None] = mapped_column(sa.String(254))
    started_on: Mapped[date | None]
    ended_on: Mapped[date | None]
    research_partnership: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(sa.String(500), default="")
    external_id: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    # Accent- and case-folded name, summary, description and actor, for portable search.
    search_text: Mapped[str] = mapped_column(sa.Text, default="")

    status: Mapped[str] = mapped_column(sa.String(20), default="pending", index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    moderator_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    moderator_comment: Mapped[str | None] = mapped_column(sa.Text)
    last_verified_on: Mapped[date | None]
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, index=True
    )
    version: Mapped[int] = mapped_column(default=1)
    # The public GeoJSON feature, serialised (app.initiatives.stored_features); NULL unless
    # public. Deferred: only the API's collections read it.
    public_feature: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)

    themes: Mapped[list["Theme"]] = relationship(
        secondary=initiative_themes, order_by="Theme.position", lazy="selectin"
    )
    tags: Mapped[list["Tag"]] = relationship(
        secondary=initiative_tags, order_by="Tag.name", lazy="selectin"
    )
    sources: Mapped[list["InitiativeSource"]] = relationship(
        order_by="InitiativeSource.position", lazy="selectin", cascade="all, delete-orphan",
        passive_deletes=True)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint(in_check("status", STATUSES), name="status"),
        sa.CheckConstraint(in_check("kind", KINDS), name="kind"),
        sa.CheckConstraint(
            f"actor_type IS NULL OR {in_check('actor_type', ACTOR_TYPES)}", name="actor_type"
        ),
        sa.CheckConstraint(
            in_check("location_precision", LOCATION_PRECISIONS), name="location_precision"
        ),
        sa.CheckConstraint("lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90", name="lonlat"),
        # Covers the map's points and the API's fingerprints (see its migration).
        sa.Index("ix_initiatives_public_points", "status", "id", "lon", "lat", "kind",
                 "version", "updated_at"),
        sa.Index("ix_initiatives_kind", "kind", "status"),
        # The territory pages' counts, from the index alone. The list's sort indexes are on
        # generated columns the model does not map (migration 7d3f9b2c5e18, list_sort_keys).
        sa.Index("ix_initiatives_departement_counts", "departement", "insee", "status"),
        sa.Index("ix_initiatives_region_counts", "region", "departement", "status"),
        # The moderation queue's pages, oldest first (app.moderation.services.SECTIONS).
        sa.Index("ix_initiatives_queue", "status", "created_at", "id"),
        *HARVEST_CONSTRAINTS,
    )

    @property
    def is_public(self) -> bool:
        return self.status in ("published", "archived")

    def __repr__(self) -> str:
        return f"<Initiative {self.id} {self.name!r} {self.status}>"
