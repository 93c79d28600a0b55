"""Signed links of followers: confirm a follow, manage an address's follows, unsubscribe in
one click. Each carries the follower's random secret, so it dies with the address."""

from datetime import timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from app.extensions import db
from app.models import Follow, Follower

CONFIRM, MANAGE, UNSUBSCRIBE = "confirm", "manage", "unsubscribe"
DEFAULT_CONFIRM_DAYS = 7
MAX_TOKEN_LENGTH = 4000  # a digest's link names each follow it is about


def confirm_days() -> int:
    """How long a confirmation link works; unconfirmed follows are deleted after it."""
    return int(current_app.config.get("FOLLOW_CONFIRM_DAYS", DEFAULT_CONFIRM_DAYS))


def serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"],
                                  salt=f"maillage.follows.{purpose}")


def sign(purpose: str, follower: Follower, follows: list[Follow] | None = None) -> str:
    """A link token for this purpose, naming the follower (and some of its follows)."""
    payload = {"f": follower.id, "s": follower.secret}
    if follows is not None:
        payload["t"] = [follow.id for follow in follows]
    return serializer(purpose).dumps(payload)


def read(purpose: str, token: str) -> tuple[Follower, list[int] | None] | None:
    """The follower a token names and the follow ids it carries, or None when the token is
    forged, expired (confirmation links only) or its address erased."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    max_age = timedelta(days=confirm_days()).total_seconds() if purpose == CONFIRM else None
    try:
        payload = serializer(purpose).loads(token, max_age=max_age)
    except BadData:
        return None
    follower = db.session.get(Follower, payload.get("f")) if isinstance(payload, dict) else None
    if follower is None or follower.secret != payload.get("s"):
        return None
    ids = payload.get("t")
    return follower, [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else None
