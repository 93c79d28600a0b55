"""Error pages for people, JSON errors for the API."""

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db


def wants_json() -> bool:
    """Tell whether the client should get a JSON error rather than a page."""
    if request.path.startswith("/api/") or request.path == "/healthz":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_response(status: int, code: str, message: str):
    """Answer an error in the API's format or as a page, whichever the client wants."""
    if wants_json():
        return jsonify(error={"code": code, "message": message}), status
    return render_template("error.html", status=status, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        code = (error.name or "error").lower().replace(" ", "_")
        return error_response(error.code or 500, code, error.description or error.name)

    @app.errorhandler(Exception)
    def handle_unexpected_error(error: Exception):
        # Never leave a half-done transaction behind a crash.
        db.session.rollback()
        app.logger.exception("Unhandled error on %s", request.path)
        server_error = InternalServerError()
        return error_response(500, "internal_server_error", server_error.description)
