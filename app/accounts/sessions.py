"""Sessions that the server can end: each holds the user's current session token.

Flask's cookie session cannot be deleted on the server, so the cookie carries
"<user id>:<session token>" (User.get_id) and a session is valid only while the token it
holds is the user's current one. Signing out, or an admin changing the password or the role
or deactivating the account, draws a new token: every copy of the old cookie stops working
at once, and a reactivated account starts with no open session.
"""

import hmac

from app.extensions import db
from app.models import User
from app.models.user import new_session_token

MAX_USER_ID = 2**31 - 1


def load_user(session_id: str) -> User | None:
    """The user a session belongs to, or None when its token is no longer current."""
    user_id, _, token = (session_id or "").partition(":")
    if not (user_id.isascii() and user_id.isdigit() and token.isascii() and token):
        return None
    user = db.session.get(User, int(user_id)) if int(user_id) <= MAX_USER_ID else None
    if user is None or not user.session_token:
        return None
    return user if hmac.compare_digest(user.session_token, token) else None


def end_sessions(user: User) -> None:
    """End every session of the user, on every device; flush only."""
    user.session_token = new_session_token()
    db.session.flush()
