"""Helpers shared by the models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

from app import clock


def utcnow() -> datetime:
    """Return the current time in UTC (a callable for column defaults); tests move it."""
    return clock.now()


def in_check(column: str, values: tuple[str, ...]) -> str:
    """Build the SQL of a CHECK constraint keeping a column within a set of values."""
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


class UTCDateTime(TypeDecorator):
    """A timestamp stored as naive UTC and read back as aware UTC, on every dialect."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None
