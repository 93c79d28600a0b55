"""Accounts: login, users, roles and territorial scopes."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from app.accounts import admin_routes, routes  # noqa: E402, F401
