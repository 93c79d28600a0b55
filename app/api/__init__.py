"""The /api/v1 JSON and GeoJSON API."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from app.api import points, routes  # noqa: E402, F401
