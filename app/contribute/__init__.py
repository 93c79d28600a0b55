"""Proposal and correction forms, reports and the proposer's follow-up link."""

from flask import Blueprint

bp = Blueprint("contribute", __name__)

from app.contribute import follow_up_routes, reminder_routes, routes  # noqa: E402, F401
