"""The app's error handlers: a page for people, JSON for the API, 503 when the database is away."""

from itertools import chain

from flask import Flask, make_response, request
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from app.database import is_unavailable
from app.extensions import db
from app.web.http import error_response


def refuse_nul_bytes():
    """A 400 for a NUL byte in a query or form value, before any code sees it.

    No person types one, and no database stores it: PostgreSQL refuses it outright, which
    would turn a search, a sign-in or a moderator's reason into a server error.
    """
    for _name, values in chain(request.args.lists(), request.form.lists()):
        if any("\x00" in value for value in values):
            return error_response(400, "invalid_character",
                                  _("Caractère nul interdit dans la requête."))
    return None


def register(app: Flask) -> None:
    app.before_request(refuse_nul_bytes)

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        code = (error.name or "error").lower().replace(" ", "_")
        return error_response(error.code or 500, code, error.description or error.name)

    @app.errorhandler(SecurityError)
    def handle_untrusted_host(_error: SecurityError):
        # A Host outside TRUSTED_HOSTS: no URL can be built on it, so no page either.
        return make_response(("Bad Request: untrusted host.", 400, {"Content-Type": "text/plain"}))

    @app.errorhandler(Exception)
    def handle_unexpected_error(error: Exception):
        # Never leave a half-done transaction behind a crash.
        roll_back()
        if is_unavailable(error):
            app.logger.warning("Database unavailable on %s: %s", request.path, error)
            return unavailable_response()
        app.logger.exception("Unhandled error on %s", request.path)
        server_error = InternalServerError()
        return error_response(500, "internal_server_error", server_error.description)


def roll_back() -> None:
    """Roll the session back; on a lost connection that may fail too, and it does not matter."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.close()


def unavailable_response():
    """503: nothing was written, try again shortly (a full disk, a restarting server)."""
    body, status = error_response(503, "service_unavailable", _(
        "Le service est momentanément indisponible : rien n'a été enregistré. "
        "Réessayez dans quelques instants."))
    response = make_response(body, status)
    response.headers["Retry-After"] = "30"
    return response
