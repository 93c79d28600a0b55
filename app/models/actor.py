"""Actors: the organisations and collectives behind initiatives, as lead or partner."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, in_check, utcnow

# The types of actor; initiatives.actor_type copies its lead actor's.
ACTOR_TYPES = (
    "commune",
    "intercommunality",
    "departement",
    "region",
    "state_service",
    "association",
    "citizen_collective",
    "company",
    "research",
    "public_establishment",
)
ACTOR_STATUSES = ("pending", "published")
ACTOR_EVENT_ACTIONS = ("create", "update", "publish", "merge")


class Actor(db.Model):
    """An organisation or collective; a new one proposed with an initiative waits with it."""

    __tablename__ = "actors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    slug: Mapped[str] = mapped_column(sa.String(80))
    # app.text.fold of the name: two spellings of one name find the same actor.
    normalised_name: Mapped[str] = mapped_column(sa.String(200), index=True)
    type: Mapped[str | None] = mapped_column(sa.String(30), index=True)
    siren: Mapped[str | None] = mapped_column(sa.String(9), index=True)
    siret: Mapped[str | None] = mapped_column(sa.String(14))
    rna: Mapped[str | None] = mapped_column(sa.String(10), index=True)
    website: Mapped[str | None] = mapped_column(sa.String(500))
    public_contact: Mapped[str | None] = mapped_column(sa.String(300))
    insee: Mapped[str | None] = mapped_column(sa.String(5))
    commune_name: Mapped[str | None] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.String(600), default="")
    status: Mapped[str] = mapped_column(sa.String(20), default="pending", index=True)
    # Set when a moderator merged this actor into another: its pages redirect there.
    merged_into_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("actors.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        sa.CheckConstraint(in_check("status", ACTOR_STATUSES), name="status"),
        sa.CheckConstraint(f"type IS NULL OR {in_check('type', ACTOR_TYPES)}", name="type"),
    )

    @property
    def is_public(self) -> bool:
        return self.status == "published" and self.merged_into_id is None

    def identifiers(self) -> dict[str, str | None]:
        """The official identifiers, as the exports and the API name them."""
        return {"siren": self.siren, "siret": self.siret, "rna": self.rna}

    def __repr__(self) -> str:
        return f"<Actor {self.id} {self.name!r}>"


class InitiativePartner(db.Model):
    """An actor taking part in an initiative it does not lead, with its role."""

    __tablename__ = "initiative_partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        sa.ForeignKey("initiatives.id", ondelete="CASCADE"))
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("actors.id", ondelete="CASCADE"),
                                          index=True)
    role: Mapped[str] = mapped_column(sa.String(200), default="")
    position: Mapped[int] = mapped_column(default=0)

    actor: Mapped[Actor] = relationship(lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("initiative_id", "actor_id"),
        sa.Index("ix_initiative_partners_initiative_id", "initiative_id", "position"),
    )

    def as_dict(self) -> dict[str, Any]:
        """The partner as the history, the API and the forms give it."""
        return {"actor_id": self.actor_id, "name": self.actor.name, "role": self.role}


class ActorEvent(db.Model):
    """The append-only history of an actor: created, changed, published, merged."""

    __tablename__ = "actor_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("actors.id", ondelete="CASCADE"),
                                          index=True)
    action: Mapped[str] = mapped_column(sa.String(20))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[Actor] = relationship()

    __table_args__ = (sa.CheckConstraint(in_check("action", ACTOR_EVENT_ACTIONS), name="action"),)


class ActorColumns:
    """The lead actor of an initiative and its partners (mixed into Initiative).

    `actor_name` and `actor_type` stay on the initiative as a copy of the lead actor's, kept
    in step by app.initiatives.actors, so search, the actor_type filter and the exports read
    them without a join.
    """

    # No ON DELETE: an actor is never deleted, a merge keeps its row.
    lead_actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("actors.id"), index=True)

    @declared_attr
    def lead_actor(cls) -> Mapped[Actor | None]:
        return relationship(Actor, foreign_keys=[cls.lead_actor_id])

    @declared_attr
    def partner_links(cls) -> Mapped[list[InitiativePartner]]:
        return relationship(InitiativePartner, order_by=InitiativePartner.position,
                            cascade="all, delete-orphan", passive_deletes=True)

