"""One imported row as initiative values: mapped fields, place, and a stable identity."""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from app.exchange import mapping as m
from app.exchange.errors import report_language
from app.exchange.placing import PlaceProblem, find_commune, geometry_point
from app.exchange.sources import RawRow, Source
from app.exchange.standard_imports import STANDARD_FORMATS, THEMES, VOCABULARIES, known_words
from app.geo.gazetteer import Gazetteer
from app.initiatives.fields import InvalidInitiative
from app.initiatives.umap_markup import umap_to_markdown
from app.initiatives.values import PLACE_KEYS, CleanValues
from app.models.place_details import PLACE_DETAIL_FIELDS
from app.text import fold
from app.web.i18n import translate

TEXT_TARGETS = ("name", "summary", "actor_name", "public_contact", "source", "life_note")
DATE_TARGETS = ("started_on", "ended_on", "last_verified_on")
# Our own exports: the uid and the page URL ending with it tell the site they come from.
OUR_URL = re.compile(r"^https?://([^/\s]+)/initiatives/(\d+)(?:-[^/\s]*)?/?$")
TEMPLATE_KEY = re.compile(r"\{([^{}]+)\}")
EXTERNAL_ID_MAX = 200
NOT_KEY = re.compile(r"[^0-9a-z]+")


@dataclass
class RowContext:
    """What every row of one import shares."""

    source: Source
    mapping: dict[str, str]
    themes: m.ThemeNames
    gazetteer: Gazetteer
    default_kind: str
    shapes_to_points: bool
    source_key: str
    site_host: str


@dataclass
class RowValues:
    """The values of a row, the problems found, and the point used to look for duplicates."""

    data: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    point: tuple[float, float] | None = None


def mapped(row: RawRow, ctx: RowContext, target: str):
    column = ctx.mapping.get(target)
    return row.properties.get(column) if column else None


def row_values(row: RawRow, ctx: RowContext) -> RowValues:
    """Read, convert and check a row; problems are French sentences for the report."""
    values = RowValues(problems=[row.problem] if row.problem else [])
    values.data = {target: m.text(mapped(row, ctx, target)) for target in TEXT_TARGETS}
    values.data["name"] = values.data["name"] or label_name(row)
    values.data["description"] = umap_to_markdown(m.text(mapped(row, ctx, "description")))
    values.data["website"] = m.website(mapped(row, ctx, "website"))
    values.data = {key: value for key, value in values.data.items() if value}
    if ctx.mapping.get("source"):  # the file says where each row comes from, even if blank
        values.data["source"] = m.text(mapped(row, ctx, "source"))
    read_choices(row, ctx, values)
    read_sources(row, ctx, values)
    read_details(row, ctx, values)
    try:
        placed = place(row, ctx, values)
    except PlaceProblem as problem:
        values.problems.append(str(problem))
        return checked(values, placed=False)
    # The file's own precision (our exports carry it) wins over the one guessed here.
    values.data.setdefault("location_precision", placed.pop("location_precision"))
    values.data.update(placed)
    return checked(values)


def label_name(row: RawRow) -> str:
    """The label uMap would show: the layer's labelKey (a key or a {key} template), else
    the title."""
    key = row.label_key or "title"
    if "{" in key:
        return TEMPLATE_KEY.sub(lambda match: m.text(row.properties.get(match[1])), key).strip()
    return m.text(row.properties.get(key) or row.properties.get("title"))


def read_sources(row: RawRow, ctx: RowContext, values: RowValues) -> None:
    """The list of a GeoJSON's `sources`, else one source from a title and URL column (our
    CSV and GeoPackage carry the first source so); the rules check them later."""
    listed = mapped(row, ctx, "sources")
    title = m.text(mapped(row, ctx, "source_title"))
    if isinstance(listed, list) and listed:
        values.data["sources"] = listed
    elif title:
        values.data["sources"] = [{"title": title,
                                   "url": m.text(mapped(row, ctx, "source_url")) or None}]


def read_details(row: RawRow, ctx: RowContext, values: RowValues) -> None:
    """The place details as the file gives them (lists or joined text); the rules read
    codes, labels and both standards' words, and check them later."""
    standard = ctx.source.format in STANDARD_FORMATS
    for target in PLACE_DETAIL_FIELDS:
        value = mapped(row, ctx, target)
        if standard and target in VOCABULARIES and value not in (None, ""):
            value = known_words(target, value)
        if value not in (None, "", []):
            values.data[target] = value if isinstance(value, list) else m.text(value)
    read_pivot(row, ctx, values)
    if not ctx.mapping.get("themes") and ctx.source.format in THEMES:
        values.data["themes"] = THEMES[ctx.source.format]


def read_pivot(row: RawRow, ctx: RowContext, values: RowValues) -> None:
    """The lead actor's SIRET, SIREN or RNA; in the standards the place itself is the
    structure the pivot names, so it lends the actor its name when the file gives none."""
    identifier = m.text(mapped(row, ctx, "actor_identifier"))
    if identifier:
        values.data["actor_identifier"] = identifier
        values.data.setdefault("actor_name", values.data.get("name"))


def read_choices(row: RawRow, ctx: RowContext, values: RowValues) -> None:
    """Kind, actor type, themes, tags, dates and yes/no fields."""
    data, problems = values.data, values.problems
    kind = m.text(mapped(row, ctx, "kind"))
    data["kind"] = m.KIND_LOOKUP.get(fold(kind), kind) if kind else ctx.default_kind
    actor_type = m.text(mapped(row, ctx, "actor_type"))
    if actor_type:
        data["actor_type"] = m.ACTOR_TYPE_LOOKUP.get(fold(actor_type), actor_type)
    if ctx.mapping.get("themes"):
        data["themes"], unknown = m.resolve_themes(mapped(row, ctx, "themes"), ctx.themes)
        if unknown:
            problems.append(f"Thème inconnu : {', '.join(unknown)[:120]}.")
    if ctx.mapping.get("tags"):
        data["tags"] = m.split_list(mapped(row, ctx, "tags"))
    if ctx.mapping.get("partners"):
        data["partners"] = m.parse_partners(mapped(row, ctx, "partners"))
    for target in DATE_TARGETS:
        if m.text(mapped(row, ctx, target)):
            data[target] = m.parse_date(mapped(row, ctx, target))
    if m.text(mapped(row, ctx, "location_precision")):
        data["location_precision"] = m.text(mapped(row, ctx, "location_precision"))
    read_life_status(row, ctx, values)
    if m.text(mapped(row, ctx, "research_partnership")):
        answer = m.parse_bool(mapped(row, ctx, "research_partnership"))
        if answer is None:
            problems.append("Partenariat de recherche : oui ou non attendu.")
        else:
            data["research_partnership"] = answer


def read_life_status(row: RawRow, ctx: RowContext, values: RowValues) -> None:
    """The life status by its code or its French or English label; blank is "active"."""
    cell = m.text(mapped(row, ctx, "life_status"))
    if not cell:
        return
    status = m.LIFE_LOOKUP.get(fold(cell))
    if status is None:
        values.problems.append(f"Vie de l'initiative inconnue : « {cell[:40]} » ; en cours "
                               "(active), pérennisée (permanent) ou terminée (ended) attendu.")
    else:
        values.data["life_status"] = status


def place(row: RawRow, ctx: RowContext, values: RowValues) -> dict:
    """The point (from the geometry or lon/lat columns) or the commune of a row."""
    insee, name, postcode = (m.text(mapped(row, ctx, t)) for t in ("insee", "commune", "postcode"))
    scope = m.text(mapped(row, ctx, "scope"))
    scope = m.SCOPE_LOOKUP.get(fold(scope), scope) if scope else "local"
    if scope != "local":  # a whole territory: its code, and no point (the rules say if one is)
        return {"scope": scope, "territory": m.text(mapped(row, ctx, "territory")) or None,
                "location_precision": "territory"}
    if ctx.source.has_geometry and row.geometry is not None:
        lon, lat = geometry_point(row.geometry, ctx.shapes_to_points)
        return {"lon": lon, "lat": lat, "location_precision": "address",
                **declared_commune(ctx, insee, name, postcode)}
    lon, lat = (m.text(mapped(row, ctx, target)) for target in ("lon", "lat"))
    if lon or lat:
        if not (lon and lat):
            raise PlaceProblem("Longitude ou latitude manquante.")
        return {"lon": lon, "lat": lat, "location_precision": "address",
                **declared_commune(ctx, insee, name, postcode)}
    if not (insee or name or postcode):
        raise PlaceProblem("Pas de géométrie." if ctx.source.has_geometry
                           else "Ni coordonnées ni commune.")
    commune = find_commune(ctx.gazetteer, insee, name, postcode)
    values.point = (commune.lon, commune.lat) if commune.lon is not None else None
    return {"insee": commune.insee, "location_precision": "commune"}


def declared_commune(ctx: RowContext, insee: str, name: str, postcode: str) -> dict:
    """The commune a row names beside its point, which the point must lie in or near;
    none when it names none, or none the gazetteer can tell (the point then places it)."""
    if not (insee or name or postcode):
        return {}
    try:
        return {"insee": find_commune(ctx.gazetteer, insee, name, postcode).insee}
    except PlaceProblem:
        return {}


def checked(values: RowValues, placed: bool = True) -> RowValues:
    """Run the initiative rules on the values (lengths, URLs, ranges, required, a point
    near its commune, dates in order), adding every rule broken to the problems already
    found: the report says all that is wrong."""
    try:
        cleaned = dict(CleanValues.check(values.data))
    except InvalidInitiative as invalid:
        values.problems += problems_of(invalid, placed) + place_problems(values.data, invalid)
        return values
    if values.problems:
        return values
    values.data = cleaned
    if cleaned.get("lon") is not None:
        values.point = (cleaned["lon"], cleaned["lat"])
    return values


def problems_of(invalid: InvalidInitiative, placed: bool = True) -> list[str]:
    """The report's lines for values the initiative rules refused: "Field : message", in
    the report's language (the rules give French, with their catalogue template)."""
    with report_language():
        return [f"{field_label(name)} : {translate(message)}"
                for name, message in invalid.errors.items()
                if placed or name != "location"]  # a row not placed has said why already


def place_problems(data: dict, invalid: InvalidInitiative) -> list[str]:
    """What is wrong with the place of values whose other fields broke rules (the place is
    checked once they pass): the report says all that is wrong."""
    place = {key: data[key] for key in PLACE_KEYS if key in data}
    if not place or {*PLACE_KEYS, "location"} & invalid.errors.keys():
        return []  # no place, or its problem said already
    try:
        CleanValues.check(place, partial=True)
    except InvalidInitiative as refused:
        return problems_of(refused)
    return []


def field_label(name: str) -> str:
    """The field's name in the report (French outside a request: the command line)."""
    if name == "location":
        return "Localisation"
    with report_language():
        return str(m.TARGETS.get(name, name))


@dataclass(frozen=True)
class Identity:
    """Who a row is: its external id, our own id when it comes from this site, and whether
    the file named it (an id column, a feature id) rather than us hashing its content."""

    key: str
    own_id: int | None = None
    explicit: bool = True


def identity(row: RawRow, values: RowValues, ctx: RowContext) -> Identity:
    """A stable external id for the row, and our own id when it comes from this very site."""
    uid = m.text(row.properties.get("uid"))
    ours = OUR_URL.match(m.text(row.properties.get("url")))
    if ours and uid.isdigit() and ours[2] == uid:
        own_id = int(uid) if ours[1] == ctx.site_host else None
        return Identity(external_id(ours[1], uid), own_id)
    row_id = m.text(mapped(row, ctx, "id")) or row.feature_id
    if row_id:
        return Identity(external_id(ctx.source_key, row_id))
    lon, lat = values.point or (0.0, 0.0)
    content = f"{fold(values.data.get('name'))}|{lon:.5f}|{lat:.5f}|{values.data.get('insee')}"
    digest = hashlib.sha256(content.encode()).hexdigest()[:16]
    return Identity(external_id(ctx.source_key, digest), explicit=False)


def external_id(source_key: str, row_id: str) -> str:
    """"import:<source>:<id>", hashed when too long for the column."""
    value = f"import:{source_key}:{row_id}"
    if len(value) <= EXTERNAL_ID_MAX:
        return value
    return f"import:{source_key[:80]}:{hashlib.sha256(row_id.encode()).hexdigest()}"


def source_key(label: str) -> str:
    """The short name of a source in external ids ("Export communes.csv" → "export-communes").

    Not a page slug (app.initiatives.paths), and frozen: the ids are stored, and a source
    imported again finds its rows by them only while the same label gives the same key.
    """
    name = re.sub(r"\.[A-Za-z0-9]{1,8}$", "", label).replace("œ", "oe").replace("Œ", "oe")
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = NOT_KEY.sub(" ", ascii_name.lower()).split()
    return "-".join(words[:12])[:80] or "fichier"
