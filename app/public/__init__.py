"""What a citizen sees: the map, the list, initiative and territory pages, the embed."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from app.public import (  # noqa: E402, F401
    actors,
    assets,
    directory_routes,
    dossier_pages,
    routes,
    territories,
)
