"""Creation and change of initiatives, each written with its revision."""

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.initiatives.actors import link_actors
from app.initiatives.fields import InvalidInitiative, check_period
from app.initiatives.history import SNAPSHOT_FIELDS, record, snapshot
from app.initiatives.scopes import check_change
from app.initiatives.sources import source_rows
from app.initiatives.values import PLACE_KEYS, CleanValues, cleaned
from app.models import Initiative, Revision, Tag, Theme, User
from app.models.base import utcnow
from app.models.scope import territory_code
from app.text import N_, fold

# Fields set as given; the place (point and territory) is derived, the status decided.
PLACE_FIELDS = ("scope", "lon", "lat", "insee", "commune_name", "epci", "departement", "region")
# The lead actor is set by app.initiatives.actors, which follows merges and copies its name.
SCALAR_FIELDS = tuple(
    field for field in SNAPSHOT_FIELDS if field not in (*PLACE_FIELDS, "status", "lead_actor_id")
)


def create_initiative(
    data: Mapping[str, Any],
    *,
    author: User | None = None,
    status: str = "pending",
    reason: str = "",
) -> Initiative:
    """Create an initiative from raw or clean values and record its creation; flush only."""
    return NewInitiatives(author=author, status=status, reason=reason).add(data)


class NewInitiatives:
    """The one way initiatives are created: each with its creation revision, written a
    batch at a time (two flushes a batch rather than two an initiative; a form writes a
    batch of one, an import of 500). `write` writes what is pending: call it last."""

    BATCH = 1

    def __init__(self, *, author: User | None, status: str, reason: str):
        self.author, self.status, self.reason = author, status, reason
        self.pending: list[Initiative] = []
        self.by_slug: dict[str, Theme] | None = None

    def add(self, data: Mapping[str, Any]) -> Initiative:
        """Create an initiative from raw or clean values; written once its batch is full."""
        values = cleaned(data)
        if self.status != "pending":  # a pending one awaits its territory's moderators
            check_change(self.author, None, values)
        slugs = values.get("themes") or []
        values = values.without("themes")
        if values.get("tags"):
            db.session.flush()  # a tag an earlier one created is found, not made twice
        with db.session.no_autoflush:
            initiative = Initiative(status=self.status,
                                    created_by_id=self.author.id if self.author else None)
            apply_values(initiative, values, author=self.author)
            # Set even when empty: the revision's snapshot then loads no list after the insert.
            initiative.themes = self.themes(slugs)
            if "tags" not in values:
                initiative.tags = []
            if "sources" not in values:
                initiative.sources = []
            initiative.inspirations = []  # none yet: its snapshot then loads nothing
            if "partners" not in values:
                initiative.partner_links = []
        if self.status == "published":
            initiative.published_at = utcnow()
        db.session.add(initiative)
        self.pending.append(initiative)
        if len(self.pending) >= self.BATCH:
            self.write()
        return initiative

    def themes(self, slugs: list[str]) -> list[Theme]:
        """themes_by_slug's answer, from the themes loaded once (it says what is unknown)."""
        if not slugs:
            return []
        if self.by_slug is None:
            self.by_slug = {theme.slug: theme for theme in db.session.scalars(sa.select(Theme))}
        if not self.by_slug.keys() >= set(slugs):
            return themes_by_slug(slugs)
        return sorted({self.by_slug[slug] for slug in slugs}, key=lambda theme: theme.position)

    def write(self) -> list[Initiative]:
        """Insert the pending initiatives, then their creation revisions; return them."""
        written, self.pending = self.pending, []
        if written:
            db.session.flush()
            db.session.add_all([Revision(
                initiative_id=initiative.id, author_id=self.author.id if self.author else None,
                action="create", reason=self.reason, before=None, after=snapshot(initiative),
            ) for initiative in written])
            db.session.flush()
        return written


def apply_values(initiative: Initiative, values: CleanValues, *,
                 author: User | None = None) -> None:
    """Set clean values on an initiative, deriving its territory, actors and search text."""
    for field in SCALAR_FIELDS:
        if field in values:
            setattr(initiative, field, values[field])
    if PLACE_KEYS & values.keys():
        for field, value in values.place.items():
            setattr(initiative, field, value)
    if "themes" in values:
        initiative.themes = themes_by_slug(values["themes"])
    if "tags" in values:
        initiative.tags = tags_by_name(values["tags"])
    if "sources" in values:
        initiative.sources = source_rows(values["sources"])
    link_actors(initiative, values, author)
    initiative.search_text = fold(
        " ".join([initiative.name, initiative.summary or "", initiative.description or "",
                  initiative.actor_name or "", initiative.commune_name or ""])
    )


def themes_by_slug(slugs: list[str]) -> list[Theme]:
    """Return the themes with these slugs; raise InvalidInitiative for an unknown one."""
    found = db.session.scalars(sa.select(Theme).where(Theme.slug.in_(slugs))).all()
    unknown = set(slugs) - {theme.slug for theme in found}
    if unknown:
        raise InvalidInitiative({"themes": N_("Thème inconnu : %(themes)s.",
                                                  themes=", ".join(sorted(unknown)))})
    return sorted(found, key=lambda theme: theme.position)


def tags_by_name(names: list[str]) -> list[Tag]:
    """Return the tags with these names, creating the missing ones."""
    wanted = {name.lower()[:60] for name in names}
    tags = db.session.scalars(sa.select(Tag).where(Tag.name.in_(wanted))).all()
    for name in wanted - {tag.name for tag in tags}:
        tag = Tag(name=name)
        db.session.add(tag)
        tags.append(tag)
    return sorted(tags, key=lambda tag: tag.name)


def in_current_scope(values: CleanValues, initiative: Initiative) -> CleanValues:
    """Values that move a place, completed with the initiative's scope and territory when
    they do not say them (a new point for a local entry, a new scope at the same level)."""
    if not PLACE_KEYS & values.keys():
        return values
    missing = {}
    if "scope" not in values:
        missing["scope"] = initiative.scope
    scope = values.get("scope") or missing.get("scope")
    if "territory" not in values and scope != "local":
        missing["territory"] = territory_code(initiative, scope)
    return values.with_fields(**missing) if missing else values


class StaleInitiative(Exception):
    """Raised when the initiative changed since the version the caller saw."""


def update_initiative(
    initiative: Initiative,
    data: Mapping[str, Any],
    *,
    author: User | None,
    reason: str = "",
    expected_version: int | None = None,
    action: str = "update",
) -> Initiative:
    """Change an initiative's fields and record the change; flush only.

    With expected_version, refuse to overwrite someone else's newer change; raise OutOfScope
    when the author's territories hold the initiative not before or not after the change.
    """
    if expected_version is not None and expected_version != initiative.version:
        raise StaleInitiative(initiative.id)
    values = in_current_scope(cleaned(data, partial=True), initiative)
    check_period(values, initiative)  # a date changed alone must still fit the other one
    check_change(author, initiative, values)
    before = snapshot(initiative)
    apply_values(initiative, values, author=author)
    # Set explicitly: a change of themes or tags alone would not touch the row, and so
    # neither updated_at (API caching, updated_since) nor the version (conflicts).
    initiative.updated_at = utcnow()
    db.session.flush()
    record(initiative, action, author=author, reason=reason, before=before)
    return initiative
