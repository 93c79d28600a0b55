"""The moderation queue, decisions, history and duplicates."""

from flask import Blueprint

bp = Blueprint("moderation", __name__)

from app.moderation import dossier_routes, lineage_routes, routes  # noqa: E402, F401
