"""Sign-in in two steps: the password is checked first, then the outcome is written.

Checking an argon2 hash takes tens of milliseconds on purpose. Done inside the write
transaction, it held SQLite's write lock all that time, so every sign-in (a wrong guess
included) stalled every writer of the site. The check now reads the account and verifies
the hash outside any transaction; a short write transaction then counts the failure or
notes the sign-in (app/accounts/sign_in_delays.py keeps the per-account delays).
"""

from dataclasses import dataclass

import sqlalchemy as sa

from app.accounts.passwords import burn_time, check_password, hash_password, needs_rehash
from app.accounts.sign_in_delays import check_delay, record_failure, record_success
from app.extensions import db
from app.models import User
from app.models.base import utcnow


@dataclass(frozen=True)
class SignInAttempt:
    """What the password check found, before anything is written."""

    user_id: int | None = None
    checked_hash: str = ""  # the hash the password was checked against
    matched: bool = False
    new_hash: str | None = None  # the password hashed with today's costs, when outdated


def check_credentials(email: str, password: str) -> SignInAttempt:
    """Verify the password of the account with this e-mail; write nothing.

    Takes the same time whether the account exists or not. Raise SignInDelayed while the
    account waits after failed sign-ins (its password is then not checked).
    """
    user = db.session.scalar(sa.select(User).where(User.email == (email or "").strip().lower()))
    if user is None:
        db.session.rollback()  # no read transaction stays open during the hash
        burn_time(password)
        return SignInAttempt()
    check_delay(user, utcnow())
    user_id, checked_hash = user.id, user.password_hash
    db.session.rollback()
    matched = check_password(checked_hash, password)
    new_hash = hash_password(password) if matched and needs_rehash(checked_hash) else None
    return SignInAttempt(user_id, checked_hash, matched, new_hash)


def record_sign_in(attempt: SignInAttempt) -> User | None:
    """Count a failure or note a sign-in; return the signed-in user, else None. Flush only.

    The account is read again inside the write transaction. When its password changed since
    the check, the check no longer holds; when a concurrent wrong guess started a delay
    meanwhile, this attempt's result is not told either (SignInDelayed): guesses sent at
    once learn no more than guesses sent one after the other.
    """
    user = db.session.get(User, attempt.user_id) if attempt.user_id else None
    if user is None or user.password_hash != attempt.checked_hash:
        return None
    now = utcnow()
    check_delay(user, now)
    if not attempt.matched:
        record_failure(user, now)
        db.session.flush()
        return None
    if not user.active:
        return None
    record_success(user)
    user.last_login_at = now
    if attempt.new_hash:
        user.password_hash = attempt.new_hash
    db.session.flush()
    return user
