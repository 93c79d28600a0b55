"""Put messages in the outbox; flush only."""

from flask import render_template

from app.extensions import db
from app.models import Initiative, OutboxMessage
from app.notifications.sender import reply_address


def enqueue(recipient: str | None, template: str, *, initiative: Initiative | None = None,
            headers: dict[str, str] | None = None, follower_id: int | None = None,
            **context) -> OutboxMessage | None:
    """Render templates/notifications/<template>.txt (subject, blank line, body) and queue it.

    The templates invite a reply only when the messages carry a Reply-To (`reply_to`).
    A follower's messages carry their own headers (List-Unsubscribe) and go with the address.
    """
    if not recipient:
        return None
    subject, _, body = render_template(f"notifications/{template}.txt", initiative=initiative,
                                       reply_to=reply_address(),
                                       **context).strip().partition("\n\n")
    message = OutboxMessage(recipient=recipient, subject=subject.strip()[:300], body=body.strip(),
                            initiative_id=initiative.id if initiative else None,
                            headers=headers, follower_id=follower_id)
    db.session.add(message)
    db.session.flush()
    return message
