"""The moderation queue, decisions, history and duplicates."""

from flask import Blueprint

bp = Blueprint("moderation", __name__)

from app.moderation import (  # noqa: E402, F401
    actor_routes,
    dossier_routes,
    lineage_routes,
    routes,
    stale_routes,
)
