"""Lineage: which initiative was inspired by (or copied from) which."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, relationship

from app.extensions import db

initiative_lineage = sa.Table(
    "initiative_lineage",
    db.metadata,
    # The initiative that followed the example…
    sa.Column("initiative_id", sa.ForeignKey("initiatives.id", ondelete="CASCADE"),
              primary_key=True),
    # …and the one it was inspired by or copied from.
    sa.Column("inspired_by_id", sa.ForeignKey("initiatives.id", ondelete="CASCADE"),
              primary_key=True),
    sa.CheckConstraint("initiative_id <> inspired_by_id", name="not_self"),
    sa.Index("ix_initiative_lineage_inspired_by_id", "inspired_by_id", "initiative_id"),
)


class LineageLinks:
    """The initiatives an initiative was inspired by: a mixin of Initiative."""

    @declared_attr
    def inspirations(cls) -> Mapped[list["LineageLinks"]]:  # noqa: N805 (declared_attr's cls)
        return relationship(
            "Initiative", secondary=initiative_lineage,
            primaryjoin=lambda: cls.id == initiative_lineage.c.initiative_id,
            secondaryjoin=lambda: cls.id == initiative_lineage.c.inspired_by_id,
            order_by=lambda: cls.id)
