"""Follow-up links: a random token for the proposer, only its SHA-256 stored, expiring."""

import hashlib
import hmac
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import ChangeSet, FollowUp, Initiative
from app.models.base import utcnow

TOKEN_BYTES = 32  # 256 bits
DEFAULT_DAYS = 180
MAX_TOKEN_LENGTH = 100


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_follow_up(initiative: Initiative, change_set: ChangeSet | None = None) -> str:
    """Create a follow-up link and return its token (shown once, never stored); flush only."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    days = current_app.config.get("FOLLOW_UP_DAYS", DEFAULT_DAYS)
    db.session.add(FollowUp(token_hash=token_hash(token), initiative_id=initiative.id,
                            change_set_id=change_set.id if change_set else None,
                            expires_at=utcnow() + timedelta(days=days)))
    db.session.flush()
    return token


def find_follow_up(token: str) -> FollowUp | None:
    """The live follow-up link of this token, or None (unknown, mistyped or expired)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    digest = token_hash(token)
    follow_up = db.session.scalar(sa.select(FollowUp).where(FollowUp.token_hash == digest))
    if follow_up is None or not hmac.compare_digest(follow_up.token_hash, digest):
        return None
    return follow_up if follow_up.expires_at > utcnow() else None
