"""Query parameters of the API beyond the shared filters: paging and change tracking."""

import base64
import binascii
import re
from datetime import UTC, date, datetime

from werkzeug.datastructures import MultiDict

from app.api.errors import bad_parameter

DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000
# after:<id> pages in id order; skip:<offset> pages in distance order (`near`).
CURSOR = re.compile(r"^(after|skip):(\d{1,15})$")


def parse_limit(args: MultiDict, default: int = DEFAULT_LIMIT, maximum: int = MAX_LIMIT) -> int:
    """The page size: an integer from 1 to the maximum."""
    raw = args.get("limit")
    if raw in (None, ""):
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9) or not 1 <= int(raw) <= maximum:
        raise bad_parameter("limit", f"limit must be an integer from 1 to {maximum}.")
    return int(raw)


def encode_cursor(position: int, kind: str = "after") -> str:
    """An opaque cursor: after the given initiative, or (kind "skip") after that many rows."""
    return base64.urlsafe_b64encode(f"{kind}:{position}".encode()).decode().rstrip("=")


def parse_cursor(args: MultiDict, kind: str = "after") -> int:
    """The id after which the page starts, or the rows it skips (0 for the first page)."""
    raw = args.get("cursor")
    if not raw:
        return 0
    try:
        decoded = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    match = CURSOR.match(decoded)
    if not match or match.group(1) != kind:
        raise bad_parameter("cursor", "cursor is not one this API gave; start without it.")
    return int(match.group(2))


def parse_since(args: MultiDict) -> datetime | None:
    """updated_since as an aware UTC datetime (a date means its midnight, UTC)."""
    raw = (args.get("updated_since") or "").strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw) if "T" in raw or " " in raw else None
        value = value or datetime.combine(date.fromisoformat(raw), datetime.min.time())
    except ValueError:
        raise bad_parameter(
            "updated_since", "updated_since must be an ISO 8601 date or date-time."
        ) from None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:  # year 1 with a positive offset falls before year 1 in UTC
        raise bad_parameter("updated_since", "updated_since is out of range.") from None
