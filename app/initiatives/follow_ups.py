"""Follow-up links: a random token for the proposer (or one derived from the form's stamp),
only its SHA-256 stored, expiring."""

import base64
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


def issue_follow_up(initiative: Initiative, change_set: ChangeSet | None = None, *,
                    seed: str | None = None) -> str:
    """Create a follow-up link and return its token (never stored); flush only.

    With a seed (the nonce of the form's stamp), the token is derived from it, so a second
    post of the same form can be sent to the first one's follow-up page.
    """
    token = seeded_token(seed) if seed else secrets.token_urlsafe(TOKEN_BYTES)
    days = current_app.config.get("FOLLOW_UP_DAYS", DEFAULT_DAYS)
    db.session.add(FollowUp(token_hash=token_hash(token), initiative_id=initiative.id,
                            change_set_id=change_set.id if change_set else None,
                            expires_at=utcnow() + timedelta(days=days)))
    db.session.flush()
    return token


def seeded_token(seed: str) -> str:
    """A token as strong as a random one for whoever lacks the secret key: HMAC-SHA256."""
    key = current_app.config["SECRET_KEY"]
    key = key if isinstance(key, bytes) else key.encode()
    digest = hmac.new(key, b"maillage.follow-up:" + seed.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def find_follow_up(token: str) -> FollowUp | None:
    """The live follow-up link of this token, or None (unknown, mistyped or expired)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    digest = token_hash(token)
    follow_up = db.session.scalar(sa.select(FollowUp).where(FollowUp.token_hash == digest))
    if follow_up is None or not hmac.compare_digest(follow_up.token_hash, digest):
        return None
    return follow_up if follow_up.expires_at > utcnow() else None
