"""What pages say of an entry's freshness: when it was confirmed, whether to check it."""

from dataclasses import dataclass
from datetime import date

from app.initiatives.freshness import is_stale, seed_source_year, verified_on
from app.models import Initiative


@dataclass(frozen=True)
class Freshness:
    verified_on: date | None
    stale: bool
    # The year of the source of a seeded entry nobody has confirmed since; None otherwise.
    source_year: int | None = None


def freshness_of(initiative: Initiative) -> Freshness:
    """The freshness note of an initiative, as of today."""
    return Freshness(verified_on(initiative), is_stale(initiative), seed_source_year(initiative))
