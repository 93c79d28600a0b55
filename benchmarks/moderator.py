"""A moderator for the benchmarks: an admin account signed in through the login form, and a
share of the (all published) generated initiatives put in the moderation queue for a run."""

import http.client
import secrets
from urllib.parse import urlencode, urlsplit

import sqlalchemy as sa

from benchmarks.context import Context
from benchmarks.writers import HiddenInputs

EMAIL = "bench-moderator@example.org"


def pending_condition(ctx: Context, count: int) -> sa.ColumnElement[bool]:
    """The generated initiatives the run puts in the queue: `count` of them, spread by id."""
    from app.models import Initiative

    return Initiative.id % max(1, ctx.scale // count) == 0


def set_pending(ctx: Context, count: int, pending: bool) -> int:
    """Put `count` published initiatives in the queue, or publish them again; how many."""
    from app.database import write_transaction
    from app.extensions import db
    from app.models import Initiative

    before, after = ("published", "pending") if pending else ("pending", "published")
    with ctx.app.app_context(), write_transaction():
        changed = db.session.execute(sa.update(Initiative).where(
            pending_condition(ctx, count), Initiative.status == before).values(status=after))
        if pending:  # the planner should see the queue as it is, as after a day of proposals
            db.session.execute(sa.text("ANALYZE initiatives"))
    return changed.rowcount


def admin_password(ctx: Context) -> str:
    """A fresh password for the benchmarks' admin account, created on the first run."""
    from app.accounts.passwords import hash_password
    from app.accounts.services import create_user
    from app.database import write_transaction
    from app.extensions import db
    from app.models import User

    password = secrets.token_urlsafe(18)
    with ctx.app.app_context(), write_transaction():
        user = db.session.scalar(sa.select(User).where(User.email == EMAIL))
        if user is None:
            create_user(EMAIL, password, "admin", "Benchmarks")
        else:
            user.password_hash = hash_password(password)
    return password


def signed_in_cookie(ctx: Context) -> str:
    """The Cookie header of a moderator's session, opened by posting the login form with its
    CSRF token as a browser does."""
    password = admin_password(ctx)
    parts = urlsplit(ctx.base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request("GET", "/login")
        page = connection.getresponse()
        cookie = session_cookie(page)
        hidden = HiddenInputs()
        hidden.feed(page.read().decode())
        body = urlencode({**hidden.values, "email": EMAIL, "password": password})
        connection.request("POST", "/login", body=body, headers={
            "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        answer = connection.getresponse()
        answer.read()
    finally:
        connection.close()
    if answer.status not in (302, 303):
        raise RuntimeError(f"signing in answered {answer.status}")
    return session_cookie(answer) or cookie


def session_cookie(response: http.client.HTTPResponse) -> str:
    """The name=value of the session cookie the response sets, "" when it sets none."""
    for name, value in response.getheaders():
        if name.lower() == "set-cookie" and value.startswith("session="):
            return value.split(";", 1)[0]
    return ""
