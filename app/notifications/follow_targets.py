"""What a follow follows: a territory, a category, an actor or one initiative, checked and
named, and the initiatives it covers, through the lists' own filters and query."""

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.filters import CODE, EPCI_CODE, Filters
from app.geo.gazetteer import GazetteerMissing
from app.geo.spatial import select_initiatives
from app.geo.territory import current_gazetteer
from app.models import FOLLOW_TARGETS, Actor, Initiative, Theme

# The lists' filter parameter of each target; `initiative` has none (one page, not a list).
FILTER_FIELDS = {"commune": "commune", "epci": "epci", "departement": "departement",
                 "region": "region", "theme": "themes", "actor": "actor"}
MAX_CODE_LENGTH = 60


@dataclass(frozen=True)
class Target:
    """A followable thing: its kind (commune, epci…), its code and its name."""

    kind: str
    code: str
    name: str
    # A theme's English label; a commune's département code (for its page's title).
    name_en: str = ""
    page_code: str = ""

    def name_in(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


def target_from(args) -> tuple[str, str] | None:
    """The one (kind, code) a query string names (e.g. commune=68224), else None."""
    given = [(kind, (args.get(kind) or "").strip()) for kind in FOLLOW_TARGETS
             if (args.get(kind) or "").strip()]
    if len(given) != 1 or len(given[0][1]) > MAX_CODE_LENGTH:
        return None
    return given[0]


def find_target(kind: str, code: str) -> Target | None:
    """The target named by this kind and code, or None when it does not exist (or is not
    public, for an initiative)."""
    finder = FINDERS.get(kind)
    try:
        return finder(code) if finder else None
    except GazetteerMissing:
        return None


def commune(code: str) -> Target | None:
    found = current_gazetteer().get(code) if CODE.match(code) else None
    return Target("commune", found.insee, found.name, page_code=found.departement) \
        if found else None


def epci(code: str) -> Target | None:
    found = current_gazetteer().epci(code) if EPCI_CODE.match(code) else None
    return Target("epci", found["code"], found["name"]) if found else None


def departement(code: str) -> Target | None:
    found = current_gazetteer().departement(code) if CODE.match(code) else None
    return Target("departement", found["code"], f"{found['name']} ({found['code']})") \
        if found else None


def region(code: str) -> Target | None:
    found = current_gazetteer().region(code) if CODE.match(code) else None
    return Target("region", found["code"], found["name"]) if found else None


def theme(code: str) -> Target | None:
    found = db.session.scalar(sa.select(Theme).where(Theme.slug == code))
    return Target("theme", found.slug, found.label_fr, found.label_en) if found else None


def actor(code: str) -> Target | None:
    found = db.session.get(Actor, int(code)) if code.isdigit() and len(code) < 10 else None
    return Target("actor", str(found.id), found.name) \
        if found is not None and found.is_public else None


def initiative(code: str) -> Target | None:
    found = db.session.get(Initiative, int(code)) if code.isdigit() and len(code) < 10 else None
    return Target("initiative", str(found.id), found.name) \
        if found is not None and found.is_public else None


FINDERS = {"commune": commune, "epci": epci, "departement": departement, "region": region,
           "theme": theme, "actor": actor, "initiative": initiative}


def covered_initiatives(kind: str, code: str) -> sa.Select:
    """The public initiatives (published or archived) a follow of this target covers."""
    if kind == "initiative":
        return select_initiatives(Filters(status="all")).where(Initiative.id == int(code))
    value = {"themes": (code,), "actor": int(code)}.get(FILTER_FIELDS[kind], code)
    return select_initiatives(Filters(status="all", **{FILTER_FIELDS[kind]: value}))
