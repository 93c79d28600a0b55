"""Typed SQLAlchemy models shared by every feature."""

from app.models.initiative import (
    ACTOR_TYPES,
    KINDS,
    LOCATION_PRECISIONS,
    STATUSES,
    Initiative,
    Tag,
    Theme,
)
from app.models.revision import Revision
from app.models.user import ROLES, SCOPE_LEVELS, User, UserScope

__all__ = [
    "ACTOR_TYPES",
    "KINDS",
    "LOCATION_PRECISIONS",
    "ROLES",
    "SCOPE_LEVELS",
    "STATUSES",
    "Initiative",
    "Revision",
    "Tag",
    "Theme",
    "User",
    "UserScope",
]
