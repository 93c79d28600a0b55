"""API endpoints (HTTP only: the rules live in the services)."""

import sqlalchemy as sa
from flask import jsonify
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.models import Initiative


def healthz():
    """Report database reachability and the number of initiatives per status."""
    try:
        rows = db.session.execute(
            sa.select(Initiative.status, sa.func.count()).group_by(Initiative.status)
        ).all()
    except SQLAlchemyError as error:
        db.session.rollback()
        return jsonify(status="error", database={"ok": False, "error": type(error).__name__}), 503
    counts = {status: count for status, count in rows}
    return jsonify(
        status="ok",
        database={"ok": True, "dialect": db.engine.dialect.name},
        initiatives={"published": counts.get("published", 0), "total": sum(counts.values()),
                     "by_status": counts},
    )
