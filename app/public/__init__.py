"""What a citizen sees: the map, the list, initiative and territory pages, the embed."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from app.public import actors, assets, dossier_pages, routes, territories  # noqa: E402, F401
