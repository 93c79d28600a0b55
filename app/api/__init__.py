"""The /api/v1 JSON and GeoJSON API."""

from flask import Blueprint

from app.api import errors
from app.web.http import allow_cross_origin

bp = Blueprint("api", __name__)
errors.register(bp)  # its one JSON error format
bp.after_request(allow_cross_origin)  # public data, readable from any site

from app.api import actors, dossiers, points, routes, tiles  # noqa: E402, F401
