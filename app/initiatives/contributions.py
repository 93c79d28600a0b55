"""What a signed-in person proposed: their initiatives and corrections."""

import sqlalchemy as sa

from app.extensions import db
from app.models import ChangeSet, Initiative, User


def contributions_of(user: User) -> tuple[list[Initiative], list[ChangeSet]]:
    """A user's proposals and corrections, newest first."""
    initiatives = db.session.scalars(sa.select(Initiative).where(
        Initiative.created_by_id == user.id).order_by(Initiative.created_at.desc())).all()
    change_sets = db.session.scalars(sa.select(ChangeSet).where(
        ChangeSet.author_id == user.id).order_by(ChangeSet.created_at.desc())).all()
    return list(initiatives), list(change_sets)
