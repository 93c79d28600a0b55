"""What the shared filter form shows: choices, counts and the current values."""

from dataclasses import dataclass

from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.filters import Filters
from app.geo.gazetteer import GazetteerMissing
from app.geo.territory import current_gazetteer, territory_name
from app.initiatives.taxonomy import all_themes
from app.public.near import RADIUS_CHOICES, NearField
from app.public.services import Facets
from app.web.labels import (
    ACTOR_TYPE_LABELS,
    FRESHNESS_LABELS,
    KIND_LABELS,
    LIFE_LABELS,
    SCOPE_LABELS,
    STATUS_FILTER_LABELS,
)
from app.web.maps import safe_colour


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    checked: bool
    count: int | None = None
    colour: str | None = None
    children: tuple["Choice", ...] = ()

    @property
    def expanded(self) -> bool:
        """Show the children: one of them is chosen."""
        return any(child.checked for child in self.children)


@dataclass(frozen=True)
class FilterForm:
    q: str
    themes: list[Choice]
    kinds: list[Choice]
    actor_types: list[Choice]
    statuses: list[Choice]
    regions: list[Choice]
    departements: list[Choice]
    all_departements: list[dict]
    territory_error: str
    commune_text: str
    commune_error: str
    research: bool
    phone: bool
    active_count: int
    life: list[Choice] = ()
    scopes: list[Choice] = ()
    freshness: list[Choice] = ()
    near: NearField = NearField()

    @property
    def radius_choices(self) -> list[tuple[str, str, bool]]:
        """(value, label, selected) of the radii offered, the current one always among them."""
        return [(f"{radius:g}", _("%(num)s km", num=format_decimal(radius)),
                 radius == self.near.radius_km)
                for radius in sorted({*RADIUS_CHOICES, self.near.radius_km})]


def filter_form(args: MultiDict, filters: Filters, facets: Facets,
                near: NearField | None = None) -> FilterForm:
    """The filter form's content for these filters and counts."""
    locale = str(get_locale())
    regions, departements, all_departements = territory_choices(filters)
    commune_text, commune_error = commune_field(args, filters)
    return FilterForm(
        q=filters.q,
        themes=category_choices(filters, facets, locale),
        kinds=[Choice(kind, str(label), kind in filters.kinds, facets.kinds.get(kind, 0))
               for kind, label in KIND_LABELS.items()],
        actor_types=[Choice(code, str(label), code in filters.actor_types)
                     for code, label in ACTOR_TYPE_LABELS.items()],
        statuses=[Choice(code, str(label), code == filters.status)
                  for code, label in STATUS_FILTER_LABELS.items()],
        regions=regions,
        departements=departements,
        all_departements=all_departements,
        territory_error=territory_mismatch(filters, all_departements),
        commune_text=commune_text,
        commune_error=commune_error,
        research=filters.research,
        phone=filters.phone,
        active_count=active_filter_count(filters),
        life=[Choice(code, str(label), code in filters.life)
              for code, label in LIFE_LABELS.items()],
        scopes=[Choice(code, str(label), code in filters.scopes)
                for code, label in SCOPE_LABELS.items()],
        freshness=[Choice(code, str(label), code == filters.freshness)
                   for code, label in FRESHNESS_LABELS.items()],
        near=near or NearField(radius_km=filters.radius_km),
    )


def category_choices(filters: Filters, facets: Facets, locale: str) -> list[Choice]:
    """The top categories, each with its count and its children to expand to."""
    def choice(theme, children=()) -> Choice:
        return Choice(theme.slug, theme.label(locale), theme.slug in filters.themes,
                      facets.themes.get(theme.slug, 0), safe_colour(theme.colour),
                      tuple(choice(child) for child in children))
    themes = all_themes()
    return [choice(top, [child for child in themes if child.parent_id == top.id])
            for top in themes if top.parent_id is None]


def territory_choices(filters: Filters) -> tuple[list[Choice], list[Choice], list[dict]]:
    """The régions, the départements to choose from (those of the chosen région, and the
    chosen one whatever its région) and every département for the form's script; nothing
    when the gazetteer is missing."""
    try:
        gazetteer = current_gazetteer()
        regions, departements = gazetteer.regions(), gazetteer.departements()
    except GazetteerMissing:
        return [], [], []
    every = [{"code": d["code"], "label": f"{d['name']} ({d['code']})", "region": d["region"]}
             for d in departements]
    offered = [d for d in every if not filters.region or d["region"] == filters.region
               or d["code"] == filters.departement]
    return (
        [Choice(r["code"], r["name"], r["code"] == filters.region) for r in regions],
        [Choice(d["code"], d["label"], d["code"] == filters.departement) for d in offered],
        every,
    )


def territory_mismatch(filters: Filters, departements: list[dict]) -> str:
    """Why a région and a département chosen together can match nothing, if they do."""
    chosen = [d for d in departements if d["code"] == filters.departement]
    if not filters.region or not chosen or chosen[0]["region"] == filters.region:
        return ""
    return _("Le département %(departement)s n'est pas dans la région %(region)s : aucune "
             "initiative ne peut être dans les deux. Choisissez un département de cette région, "
             "ou « Toutes les régions ».", departement=chosen[0]["label"],
             region=territory_name("region", filters.region))


def commune_field(args: MultiDict, filters: Filters) -> tuple[str, str]:
    """The commune field's text ("Name (INSEE)") and its error, if the typed one is unknown."""
    if "commune_q" in args:
        typed = args.get("commune_q", "").strip()
        return typed, _("Aucune commune ne correspond à « %(text)s ».", text=typed)
    if not filters.commune:
        return "", ""
    return territory_name("commune", filters.commune), ""


def active_filter_count(filters: Filters) -> int:
    """How many filters narrow the results, to tell the visitor when the panel is closed."""
    narrowing = [filters.q, filters.commune, filters.epci, filters.departement, filters.region,
                 filters.bbox, filters.near, filters.research, filters.phone,
                 filters.dossier,
                 filters.status != "active", filters.freshness]
    return (sum(1 for value in narrowing if value) + len(filters.themes) + len(filters.kinds)
            + len(filters.actor_types) + len(filters.life) + len(filters.scopes))
