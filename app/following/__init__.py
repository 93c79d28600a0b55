"""Following by e-mail without an account: /suivre, its confirmation, the page managing an
address's follows and the one-click unsubscribe (RFC 8058)."""

from flask import Blueprint

bp = Blueprint("following", __name__)

from app.following import routes  # noqa: E402, F401
