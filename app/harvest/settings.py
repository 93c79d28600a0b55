"""A harvest source's settings: added, changed, paused and resumed with checked values."""

import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa

from app.extensions import db
from app.initiatives.fields import InvalidInitiative
from app.models import AdminEvent, User
from app.models.base import utcnow
from app.models.harvest import HARVEST_FORMATS, HarvestSource
from app.text import N_

EVERY = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
SHORTEST = timedelta(minutes=5)  # a source is someone else's server: never hammer it
NAME_MAX = 120


class InvalidSource(InvalidInitiative):
    """Values of a source that cannot be kept; errors maps each field to its message."""


@dataclass
class SourceValues:
    name: str
    url: str
    format: str
    trusted: bool = False
    allow_private: bool = False
    interval: timedelta = timedelta(days=1)
    column_mapping: dict[str, str] | None = None


def parse_every(text: str) -> timedelta:
    """"30m", "6h", "1d" or "2w" as a duration; InvalidSource when it is not one."""
    match = EVERY.match(text or "")
    if not match:
        raise InvalidSource({"interval": N_("Durée attendue : un nombre suivi de m, h, d ou w "
                                            "(30m, 6h, 1d, 1w).")})
    return timedelta(**{UNITS[match[2]]: int(match[1])})


def check(values: SourceValues, source: HarvestSource | None = None) -> dict[str, str]:
    """The errors of the values, by field (empty when they can be kept)."""
    errors = {}
    name = values.name.strip()
    if not name or len(name) > NAME_MAX:
        errors["name"] = N_("Un nom de %(max)d caractères au plus est requis.", max=NAME_MAX)
    elif name_taken(name, source):
        errors["name"] = N_("Une autre source porte déjà ce nom.")
    parts = urlsplit(values.url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or len(values.url) > 2000:
        errors["url"] = N_("Adresse web attendue (http:// ou https://).")
    if values.format not in HARVEST_FORMATS:
        errors["format"] = N_("Format inconnu.")
    if values.interval < SHORTEST:
        errors["interval"] = N_("Au moins toutes les cinq minutes.")
    return errors


def name_taken(name: str, source: HarvestSource | None) -> bool:
    query = sa.select(HarvestSource.id).where(HarvestSource.name == name)
    if source is not None:
        query = query.where(HarvestSource.id != source.id)
    return db.session.scalar(query) is not None


def add_source(values: SourceValues, *, author: User | None) -> HarvestSource:
    """Record a new source, due at once; flush only."""
    errors = check(values)
    if errors:
        raise InvalidSource(errors)
    source = HarvestSource(created_by_id=author.id if author else None, next_due_at=utcnow())
    apply(source, values)
    db.session.add(source)
    db.session.flush()
    return source


def change_source(source: HarvestSource, values: SourceValues) -> HarvestSource:
    """Change a source's settings; a new address, format or mapping is read afresh; flush
    only."""
    errors = check(values, source)
    if errors:
        raise InvalidSource(errors)
    if (values.url.strip(), values.format, values.column_mapping or None) != (
            source.url, source.format, source.column_mapping):
        source.etag = source.last_modified = source.content_hash = None
        source.next_due_at = utcnow()
    apply(source, values)
    db.session.flush()
    return source


def apply(source: HarvestSource, values: SourceValues) -> None:
    source.name, source.url = values.name.strip(), values.url.strip()
    source.format, source.trusted = values.format, values.trusted
    source.allow_private = values.allow_private
    source.interval_seconds = int(values.interval.total_seconds())
    source.column_mapping = values.column_mapping or None


def set_paused(source: HarvestSource, paused: bool) -> HarvestSource:
    """Take a source off the schedule, or put it back (due at once); flush only."""
    source.paused = paused
    if not paused:
        source.next_due_at = utcnow()
    db.session.flush()
    return source


def settings_of(source: HarvestSource) -> dict:
    """The settings as the audit trail records them."""
    return {"name": source.name, "url": source.url, "format": source.format,
            "trusted": source.trusted, "allow_private": source.allow_private,
            "paused": source.paused, "interval_seconds": source.interval_seconds,
            "column_mapping": source.column_mapping}


def audit(action: str, author: User | None, source: HarvestSource, before: dict) -> None:
    """Add the action to the audit trail of admin actions: only the settings that changed
    (every one for a source's creation, none needed for a manual sync)."""
    after = settings_of(source)
    changed = [name for name in after if before.get(name) != after[name]]
    if not changed and action != "source_sync":
        return
    db.session.add(AdminEvent(
        action=action, actor_id=author.id if author else None, subject=source.name,
        before={name: before[name] for name in changed if name in before} or None,
        after={name: after[name] for name in changed} or None))
    db.session.flush()


def source_list() -> list[HarvestSource]:
    """Every source, by name."""
    return list(db.session.scalars(sa.select(HarvestSource).order_by(HarvestSource.name)))


def source_named(name: str) -> HarvestSource | None:
    return db.session.scalar(sa.select(HarvestSource).where(HarvestSource.name == name))
