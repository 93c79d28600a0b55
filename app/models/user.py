"""Accounts, roles and territorial scopes."""

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import UTCDateTime, in_check, utcnow

ROLES = ("admin", "moderator", "contributor")
SCOPE_LEVELS = ("region", "departement", "commune")


def new_session_token() -> str:
    """A random token naming the current generation of a user's sessions."""
    return secrets.token_hex(16)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(20), default="contributor")
    display_name: Mapped[str] = mapped_column(sa.String(120), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of every session cookie: changing it ends all the user's sessions (sign-out).
    # The empty server default (rows written outside the app) matches no session.
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token,
                                               server_default="")
    # Failed sign-ins in a row, and until when the next attempt is not heard (app/accounts).
    failed_sign_ins: Mapped[int] = mapped_column(default=0, server_default="0")
    sign_in_delayed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    scopes: Mapped[list["UserScope"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (sa.CheckConstraint(in_check("role", ROLES), name="role"),)

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """What the session cookie holds: the id and the session token, checked on load."""
        return f"{self.id}:{self.session_token}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class UserScope(db.Model):
    """A territory a moderator acts on; a moderator without scopes acts on all of France."""

    __tablename__ = "user_scopes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    level: Mapped[str] = mapped_column(sa.String(20))
    code: Mapped[str] = mapped_column(sa.String(5))

    user: Mapped[User] = relationship(back_populates="scopes")

    __table_args__ = (
        sa.CheckConstraint(in_check("level", SCOPE_LEVELS), name="level"),
        sa.UniqueConstraint("user_id", "level", "code", name="uq_user_scopes_user_level_code"),
    )
