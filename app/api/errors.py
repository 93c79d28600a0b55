"""The API's one error format: {"error": {"code", "message"}} with the right status."""

from flask import Blueprint

from app.filters import FilterError
from app.web.http import error_body, json_response


class ApiError(Exception):
    """An error the API answers as JSON, with its HTTP status and a stable code."""

    def __init__(self, status: int, code: str, message: str, param: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.param = param


def bad_parameter(param: str, message: str) -> ApiError:
    """A 400 for a query parameter that cannot be understood."""
    return ApiError(400, "invalid_parameter", message, param)


def register(bp: Blueprint) -> None:
    """Answer ApiError and FilterError raised by the blueprint's views in the JSON format."""

    @bp.errorhandler(ApiError)
    def handle_api_error(error: ApiError):
        body = error_body(error.code, error.message, param=error.param)
        return json_response(body, status=error.status, max_age=0)

    @bp.errorhandler(FilterError)
    def handle_filter_error(error: FilterError):
        return handle_api_error(bad_parameter(error.param, str(error)))
