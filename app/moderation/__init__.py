"""The moderation queue, decisions, history and duplicates."""

from flask import Blueprint

bp = Blueprint("moderation", __name__)

from app.moderation import routes  # noqa: E402, F401
from app.moderation.history_routes import history  # noqa: E402


@bp.record_once
def add_history_rule(state) -> None:
    # The history sits with the initiative's URLs (/initiatives/<id>/history), outside the
    # blueprint's /moderation prefix; its endpoint keeps the blueprint's name.
    state.app.add_url_rule("/initiatives/<int:initiative_id>/history", "moderation.history",
                           history)
