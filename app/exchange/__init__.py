"""Exports and imports: GeoJSON, uMap, CSV, GeoPackage, and the national standards."""

from flask import Blueprint

bp = Blueprint("exchange", __name__)

from app.exchange import harvest_routes, routes, standard_routes  # noqa: E402, F401
