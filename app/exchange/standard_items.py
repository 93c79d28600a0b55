"""The initiatives an export in a national standard holds, loaded a batch at a time, and
what every such export says of an entry: its pivot, its address, its dates."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy.orm import selectinload

from app.extensions import db
from app.filters import Filters
from app.geo.spatial import select_initiatives
from app.initiatives.paths import initiative_path
from app.initiatives.plain_text import without_html
from app.models import Initiative

BATCH_ROWS = 500
SOURCE = "maillage"


@dataclass
class Exclusions:
    """How many entries an export leaves out, by reason (an entry may have several)."""

    kept: int = 0
    left_out: int = 0
    reasons: Counter = field(default_factory=Counter)

    def leave_out(self, reasons: list[str]) -> None:
        self.left_out += 1
        self.reasons.update(reasons)


def initiatives(filters: Filters) -> Iterator[Initiative]:
    """The public initiatives matching the filters, by id, a batch at a time (keyset)."""
    stmt = (select_initiatives(filters).order_by(None).order_by(Initiative.id)
            .options(selectinload(Initiative.lead_actor)).limit(BATCH_ROWS))
    after = None
    while True:
        page = stmt if after is None else stmt.where(Initiative.id > after)
        batch = db.session.scalars(page).all()
        yield from batch
        if len(batch) < BATCH_ROWS:
            return
        after = batch[-1].id


def pivot_of(initiative: Initiative) -> str | None:
    """The lead actor's SIRET (else SIREN): the standards' pivot identifier."""
    actor = initiative.lead_actor
    return (actor.siret or actor.siren) if actor else None


def page_link(initiative: Initiative, site: str) -> str:
    return site.rstrip("/") + initiative_path(initiative.id, initiative.name)


def plain_description(initiative: Initiative) -> str:
    """The description as text: its Markdown source reads as plain text, without HTML."""
    return without_html(initiative.description or "").strip()


def precise_point(initiative: Initiative) -> tuple[float | None, float | None]:
    """(lat, lon) when the point is the place itself; a commune's centre says nothing."""
    if initiative.location_precision != "address":
        return None, None
    return initiative.lat, initiative.lon
