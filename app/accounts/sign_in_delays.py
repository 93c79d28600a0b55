"""A delay per account after failed sign-ins, on top of the limit per address.

Guessing one account's password from many addresses gets slower and slower: after
FREE_FAILURES wrong passwords in a row, each one makes the account wait twice as long
before the next attempt is heard (up to MAX_DELAY). Attempts during the wait are answered
at once, without checking the password, and do not lengthen it: an attacker can slow a
person down by MAX_DELAY at most, never lock them out. A successful sign-in starts afresh.
"""

from datetime import datetime, timedelta
from math import ceil

from app.models import User

FREE_FAILURES = 5
MAX_DELAY = timedelta(seconds=60)


class SignInDelayed(Exception):
    """Raised when an account must wait before its next sign-in attempt is heard."""

    def __init__(self, seconds: int):
        super().__init__(f"Wait {seconds} s.")
        self.seconds = seconds


def check_delay(user: User, now: datetime) -> None:
    """Raise SignInDelayed while the account waits after failed sign-ins."""
    until = user.sign_in_delayed_until
    if until is not None and until > now:
        raise SignInDelayed(ceil((until - now).total_seconds()))


def record_failure(user: User, now: datetime) -> None:
    """Count a wrong password; past the free ones, double the wait before the next try."""
    user.failed_sign_ins += 1
    beyond = user.failed_sign_ins - FREE_FAILURES
    if beyond > 0:
        delay = min(timedelta(seconds=2 ** min(beyond - 1, 16)), MAX_DELAY)
        user.sign_in_delayed_until = now + delay


def record_success(user: User) -> None:
    user.failed_sign_ins, user.sign_in_delayed_until = 0, None
