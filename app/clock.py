"""The app's clock: every "now" and "today" comes from here, so tests can move time."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

# The directory's days are French ones: a confirmation at 00:30 in Paris is dated that day.
LOCAL_ZONE = ZoneInfo("Europe/Paris")

_frozen: datetime | None = None


def now() -> datetime:
    """The current time in UTC, or the time tests set."""
    return _frozen or datetime.now(UTC)


def today() -> date:
    """Today's date in France."""
    return now().astimezone(LOCAL_ZONE).date()


@contextmanager
def frozen_at(moment: datetime) -> Iterator["Clock"]:
    """Stop the clock at this aware moment until the block ends; move it with the Clock."""
    global _frozen
    previous, _frozen = _frozen, moment
    try:
        yield Clock()
    finally:
        _frozen = previous


class Clock:
    """The hands of a frozen clock."""

    def set(self, moment: datetime) -> None:
        global _frozen
        _frozen = moment

    def advance(self, **delta: float) -> datetime:
        """Move the clock forward (days=, hours=…) and return the new time."""
        self.set(now() + timedelta(**delta))
        return now()
