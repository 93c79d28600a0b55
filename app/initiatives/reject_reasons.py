"""Reusable reject reasons, managed by admins; flush only."""

from app.database import MAX_INTEGER
from app.extensions import db
from app.models import RejectReason


class InvalidReason(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def save_reason(label: str, text: str, position: int, active: bool,
                reason: RejectReason | None = None) -> RejectReason:
    """Create or change a reject reason."""
    label, text = (label or "").strip(), (text or "").strip()
    errors = {}
    if not 0 < len(label) <= 120:
        errors["label"] = "Entre 1 et 120 caractères."
    if not 0 < len(text) <= 2000:
        errors["text"] = "Entre 1 et 2 000 caractères."
    if abs(position or 0) > MAX_INTEGER:
        errors["position"] = "Nombre trop grand."
    if errors:
        raise InvalidReason(errors)
    reason = reason or RejectReason()
    reason.label, reason.text, reason.position, reason.active = label, text, position, active
    db.session.add(reason)
    db.session.flush()
    return reason
