"""Public pages (HTTP only)."""

from flask import render_template, request
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.filters import parse_filters
from app.geo.spatial import select_initiatives

from app.public import bp


@bp.get("/")
def index():
    """The home page: the published initiatives (the map comes with its own issue)."""
    initiatives = db.session.scalars(select_initiatives(parse_filters(MultiDict()))).all()
    return render_template("public/index.html", initiatives=initiatives, args=request.args)
