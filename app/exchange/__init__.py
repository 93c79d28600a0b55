"""Exports and imports: GeoJSON, uMap, CSV, GeoPackage."""

from flask import Blueprint

bp = Blueprint("exchange", __name__)

from app.exchange import routes  # noqa: E402, F401
