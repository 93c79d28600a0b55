"""The mapping step: which column (or property) holds which initiative field, and how
cell values become field values (themes by slug or label, kinds, dates, yes/no)."""

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from app.exchange.errors import ImportFileError
from app.exchange.sources import Source
from app.exchange.standard_imports import adjust_mapping
from app.initiatives.geojson import ThemeInfo
from app.initiatives.partner_text import split_role
from app.models import ACTOR_TYPES, KINDS, LIFE_STATUSES, SCOPES
from app.text import fold
from app.web.labels import ACTOR_TYPE_NAMES, KIND_NAMES, LIFE_NAMES, SCOPE_NAMES

TARGETS = {
    "name": _l("Nom"), "description": _l("Description"), "summary": _l("Résumé"),
    "themes": _l("Thèmes"), "kind": _l("Nature"), "website": _l("Site web"),
    "actor_name": _l("Porteur"), "actor_type": _l("Type de porteur"),
    "public_contact": _l("Contact public"), "tags": _l("Mots-clés"),
    "started_on": _l("Date de début"), "ended_on": _l("Date de fin"),
    "research_partnership": _l("Ouvert à la recherche"),
    "location_precision": _l("Précision de la localisation"), "source": _l("Source"),
    "sources": _l("Sources (liste GeoJSON)"), "source_title": _l("Titre de la source"),
    "source_url": _l("Adresse web de la source"),
    "last_verified_on": _l("Dernière vérification"),
    "lon": _l("Longitude"), "lat": _l("Latitude"), "insee": _l("Code INSEE de la commune"),
    "commune": _l("Nom de la commune"), "postcode": _l("Code postal"),
    "scope": _l("Portée (locale, intercommunale, départementale, régionale, nationale)"),
    "territory": _l("Territoire couvert (SIREN de l'EPCI, code du département ou de la région)"),
    "id": _l("Identifiant dans la source"),
    "actor_identifier": _l("SIRET, SIREN ou RNA du porteur"),
    "partners": _l("Partenaires (« nom (rôle) » séparés par des points-virgules)"),
    "street_address": _l("Adresse (numéro et rue)"), "phone": _l("Téléphone"),
    "emails": _l("E-mails du lieu"), "opening_hours": _l("Horaires d'ouverture"),
    "services": _l("Services"), "publics": _l("Publics"), "fees": _l("Frais"),
    "access_modes": _l("Modalités d'accès"), "support_modes": _l("Modalités d'accompagnement"),
    "booking_url": _l("Lien de prise de rendez-vous"),
    "accessibility_url": _l("Fiche d'accessibilité"),
    "life_status": _l("Vie de l'initiative (en cours, pérennisée, terminée)"),
    "life_note": _l("Ce qui l'a fait durer, ou pourquoi elle s'est arrêtée"),
}
SYNONYMS = {
    "name": ("name", "nom", "title", "titre", "intitule", "libelle"),
    "description": ("description", "desc", "descriptif", "presentation",
                    "presentation detail"),
    "summary": ("summary", "resume", "chapo", "accroche", "presentation resume"),
    "themes": ("themes", "theme", "thematique", "thematiques"),
    "kind": ("kind", "nature"),
    "website": ("website", "site", "site web", "site internet", "web"),
    "actor_name": ("actor name", "porteur", "structure", "organisme", "acteur"),
    "actor_type": ("actor type", "type de porteur", "type porteur", "type d acteur"),
    "public_contact": ("public contact", "contact"),
    "tags": ("tags", "mots cles", "keywords", "etiquettes"),
    "started_on": ("started on", "date de debut", "debut"),
    "ended_on": ("ended on", "date de fin", "fin"),
    "research_partnership": ("research partnership", "partenariat recherche"),
    "location_precision": ("location precision", "precision"),
    "source": ("source",),
    "sources": ("sources",),
    "source_title": ("source title", "titre de la source"),
    "source_url": ("source url", "url de la source", "lien de la source"),
    "last_verified_on": ("last verified on", "date maj"),
    "lon": ("lon", "lng", "long", "longitude", "x"),
    "lat": ("lat", "latitude", "y"),
    "insee": ("insee", "code insee", "code commune", "codgeo", "cog", "insee com",
              "com insee", "citycode", "code insee commune"),
    "commune": ("commune", "ville", "city", "nom commune", "localite", "municipality"),
    "postcode": ("code postal", "cp", "postcode", "zip", "zipcode", "postal code"),
    "scope": ("scope", "portee", "echelle"),
    "partners": ("partners", "partenaires"),
    "territory": ("territory", "territoire", "code territoire"),
    "id": ("uid", "id", "identifiant", "ref", "reference"),
    # The national standards' columns (médiation numérique, data·inclusion) are synonyms:
    # their files map themselves.
    "actor_identifier": ("actor identifier", "pivot", "siret", "actor siret", "siren",
                         "actor siren", "rna", "actor rna"),
    "street_address": ("street address", "adresse", "address", "adresse postale"),
    "phone": ("phone", "telephone", "tel", "numero de telephone"),
    "emails": ("emails", "courriels", "courriel", "email", "e mail", "mail"),
    "opening_hours": ("opening hours", "horaires", "horaires accueil"),
    "services": ("services",),
    "publics": ("publics", "publics specifiquement adresses"),
    "fees": ("fees", "frais a charge", "frais"),
    "access_modes": ("access modes", "modalites acces", "modes mobilisation"),
    "support_modes": ("support modes", "modalites accompagnement", "modes accueil"),
    "booking_url": ("booking url", "prise rdv", "lien mobilisation"),
    "accessibility_url": ("accessibility url", "fiche acces libre", "accessibilite lieu"),
    "life_status": ("life status", "vie", "vie de l initiative", "statut de vie"),
    "life_note": ("life note", "note de vie"),
}
# "geo_Longitude", "WGS84 latitude": a last word that can only mean a coordinate.
COORDINATE_SUFFIXES = {"lon": ("longitude", "lng"), "lat": ("latitude",)}
LIST_SPLIT = re.compile(r"[,;|\n]")
# Between themes: characters a theme label may not hold (check_theme refuses them). A comma
# may also separate themes (our CSV export joins slugs with ", "), but labels hold commas
# ("Territoire, lieux, services et proximité"): whole labels are matched first.
THEME_SEPARATORS = re.compile(r"[;|\n]")
FRENCH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
TRUE_WORDS = {"1", "true", "vrai", "oui", "yes", "x", "o", "y"}
FALSE_WORDS = {"", "0", "false", "faux", "non", "no", "n"}


def guess_mapping(source: Source) -> dict[str, str]:
    """The column each field most likely comes from, by its (folded) header."""
    folded = {column: fold(column) for column in source.columns}
    mapping: dict[str, str] = {}
    for target in SYNONYMS:
        column = guess_column(target, folded, set(mapping.values()))
        if column:
            mapping[target] = column
    return adjust_mapping(source.format, mapping)


def guess_column(target: str, folded: dict[str, str], taken: set[str]) -> str | None:
    """The best free column for a field: a synonym first, then a coordinate suffix."""
    words = SYNONYMS[target]
    exact = sorted((c for c, f in folded.items() if f in words and c not in taken),
                   key=lambda c: words.index(folded[c]))
    if exact:
        return exact[0]
    suffixes = COORDINATE_SUFFIXES.get(target, ())
    return next((c for c, f in folded.items()
                 if f.rsplit(" ", 1)[-1] in suffixes and c not in taken), None)


def text(value) -> str:
    """A cell or property as text: numbers without a trailing .0, lists joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(text(item) for item in value)
    return str(value).strip()


def split_list(value) -> list[str]:
    """Items of a list property or of a text joined with commas, semicolons or bars."""
    items = value if isinstance(value, list) else LIST_SPLIT.split(text(value))
    return [text(item) for item in items if text(item)]


def parse_partners(value) -> list[dict[str, str]]:
    """Partners from a GeoJSON list of {name, role} or a text "Name (role) ; Other"."""
    if isinstance(value, list):
        items = [item for item in value if isinstance(item, dict)]
        return [{"name": text(item.get("name")), "role": text(item.get("role"))}
                for item in items if text(item.get("name"))]
    partners = []
    for item in outside_brackets(text(value), ";"):
        name, role = split_role(item.strip())
        if name:
            partners.append({"name": name, "role": role})
    return partners


def outside_brackets(value: str, separator: str) -> list[str]:
    """Split on the separator where it is not inside brackets (a role may hold one)."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(value):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == separator and depth <= 0:
            parts.append(value[start:index])
            start = index + 1
    return [*parts, value[start:]]


def by_folded(choices: dict[str, list[str]]) -> dict[str, str]:
    """A lookup from every folded name of each choice to the choice."""
    return {fold(name): key for key, names in choices.items() for name in (key, *names)}


@dataclass(frozen=True)
class ThemeNames:
    """The slug of every folded slug and label, and the most comma-separated pieces a label
    has (how far a run of pieces may go to name one theme)."""

    slugs: dict[str, str]
    widest: int


def theme_lookup(themes: list[ThemeInfo]) -> ThemeNames:
    labels = [label for t in themes for label in (t.label_fr, t.label_en)]
    return ThemeNames(by_folded({t.slug: [t.label_fr, t.label_en] for t in themes}),
                      max((label.count(",") + 1 for label in labels), default=1))


def resolve_themes(value, names: ThemeNames) -> tuple[list[str], list[str]]:
    """Theme slugs for the names in the value, and the names no theme answers to."""
    items = value if isinstance(value, list) else THEME_SEPARATORS.split(text(value))
    slugs, unknown = [], []
    for item in items:
        for slug, name in named_themes(text(item), names):
            if slug is None:
                unknown.append(name)
            elif slug not in slugs:
                slugs.append(slug)
    return slugs, unknown


def named_themes(cell: str, names: ThemeNames) -> list[tuple[str | None, str]]:
    """(slug or None, name) for each theme of a cell: the longest run of its comma-separated
    pieces naming a theme wins, so a label holding commas is one theme."""
    pieces = [piece.strip() for piece in cell.split(",")]
    found, start = [], 0
    while start < len(pieces):
        for end in range(min(len(pieces), start + names.widest), start, -1):
            name = ", ".join(pieces[start:end])
            slug = names.slugs.get(fold(name))
            if slug or end == start + 1:
                break
        if name:
            found.append((slug, name))
        start = end
    return found


KIND_LOOKUP = by_folded({kind: [KIND_NAMES[kind]] for kind in KINDS})
ACTOR_TYPE_LOOKUP = by_folded({key: [ACTOR_TYPE_NAMES[key]] for key in ACTOR_TYPES})
SCOPE_LOOKUP = by_folded({key: [SCOPE_NAMES[key]] for key in SCOPES})
# The life statuses by code, French label and English label (as the English interface
# shows them), so a file written in either language reads back.
LIFE_ENGLISH_NAMES = {"active": ("Ongoing", "In progress"), "permanent": ("Made permanent",),
                      "ended": ("Ended", "Finished")}
LIFE_LOOKUP = by_folded({key: [LIFE_NAMES[key], *LIFE_ENGLISH_NAMES[key]]
                         for key in LIFE_STATUSES})


def parse_date(value) -> str:
    """ISO dates pass; French dates (31/12/2020) become ISO; anything else is left to fail."""
    raw = text(value)
    match = FRENCH_DATE.match(raw)
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return raw
    return raw[:10] if re.match(r"^\d{4}-\d{2}-\d{2}T", raw) else raw


def parse_bool(value) -> bool | None:
    """Yes/no words in French or English; None when the value means neither."""
    word = fold(text(value))
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def website(value) -> str:
    """A web address, with https:// added to a bare "www." one; of several (the médiation
    numérique standard joins them with |), the first."""
    raw = text(value).split("|")[0].strip()
    return f"https://{raw}" if raw.lower().startswith("www.") else raw


def check_mapping(source: Source, mapping: dict[str, str]) -> None:
    """Refuse a table whose mapping cannot give a name and a place to any row."""
    if source.has_geometry:
        return  # each feature brings its geometry; a nameless one is reported on its own
    columns = ", ".join(source.columns)[:300]
    if "name" not in mapping:
        raise ImportFileError(f"Aucune colonne ne donne le nom : choisissez-la "
                              f"(--map name=COLONNE). Colonnes du fichier : {columns}.")
    if ("lat" in mapping) != ("lon" in mapping):
        raise ImportFileError("Une colonne de latitude sans colonne de longitude (ou "
                              f"l'inverse). Colonnes du fichier : {columns}.")
    if not {"lat", "insee", "commune", "postcode", "scope"} & mapping.keys():
        raise ImportFileError(
            "Aucune colonne de coordonnées (latitude et longitude) ni de commune (code INSEE, "
            f"nom, code postal). Colonnes du fichier : {columns}.")
