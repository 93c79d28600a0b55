"""The OpenAPI 3.1 document of /api/v1; tests validate real responses against it."""

from flask_babel import gettext as _

from app.api import actor_openapi, actors, map_openapi
from app.api.params import DEFAULT_LIMIT, MAX_LIMIT
from app.filters import DEFAULT_RADIUS_KM, MAX_RADIUS_KM
from app.initiatives.licence import DATA_LICENCE
from app.initiatives.place_vocabulary import VOCABULARIES
from app.models import ACTOR_TYPES, KINDS, LIFE_STATUSES, LOCATION_PRECISIONS, SCOPES
from app.models.dossier import SLUG_PATTERN

REF = "#/components/schemas/"
TEXT = {"type": "string"}
MAYBE_TEXT = {"type": ["string", "null"]}
MAYBE_DATE = {"type": ["string", "null"], "format": "date"}
CODE_PATTERN = "^[0-9A-Za-z]{1,5}$"
NUMBER = r"-?[0-9]+(\.[0-9]+)?"
BBOX_PATTERN = f"^{NUMBER},{NUMBER},{NUMBER},{NUMBER}$"
NEAR_PATTERN = f"^({NUMBER},{NUMBER}|[0-9][0-9AaBb][0-9]{{3}})$"


def ref(name: str) -> dict:
    return {"$ref": REF + name}


def obj(properties: dict, required: list | None = None, **extra) -> dict:
    """A closed object schema: every listed property required unless told otherwise."""
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required,
            "additionalProperties": False, **extra}


def place_detail_schemas() -> dict:
    """The place's details: codes of app.initiatives.place_vocabulary, empty lists when none."""
    url = {"type": ["string", "null"], "format": "uri"}
    codes = {field: {"type": "array", "items": {"enum": [t.code for t in terms]}}
             for field, terms in VOCABULARIES.items()}
    return {
        "street_address": MAYBE_TEXT,
        "postcode": {"type": ["string", "null"], "pattern": "^[0-9]{5}$"},
        "phone": {"type": ["string", "null"], "pattern": r"^\+[0-9]{8,14}$",
                  "description": _("Téléphone au format international E.164.")},
        "emails": {"type": "array", "items": {"type": "string", "format": "email"}},
        "opening_hours": {**MAYBE_TEXT, "description": _(
            "Horaires d'ouverture, syntaxe opening_hours d'OpenStreetMap.")},
        **codes, "booking_url": url, "accessibility_url": url,
    }


def feature_schemas() -> dict:
    distance = {"type": "integer", "minimum": 0,
                "description": _("Avec near : la distance au point, en mètres.")}
    properties = {
        "uid": {"type": "integer", "description": _("Identifiant, égal à l'id du Feature.")},
        "name": TEXT,
        "description": {**TEXT, "description": _("Texte brut, liens [[url|texte]] (uMap).")},
        "summary": TEXT, "kind": {"enum": list(KINDS)},
        "themes": {"type": "array", "items": TEXT}, "tags": {"type": "array", "items": TEXT},
        "actor_name": TEXT, "actor_type": {"enum": [*ACTOR_TYPES, None]},
        **actor_openapi.feature_properties(),
        "commune": MAYBE_TEXT, "insee": MAYBE_TEXT, "epci": MAYBE_TEXT,
        "departement": MAYBE_TEXT, "region": MAYBE_TEXT,
        "scope": {"enum": list(SCOPES), "description": _(
            "Portée : local (un point) ou tout un territoire (intercommunal, départemental, "
            "régional, national), alors sans géométrie.")},
        "territory": {**MAYBE_TEXT, "description": _(
            "Hors local : le code du territoire couvert (SIREN de l'EPCI, code du "
            "département ou de la région, FR pour la France).")},
        "territory_name": {**MAYBE_TEXT, "description": _("Hors local : le nom du territoire.")},
        "location_precision": {"enum": list(LOCATION_PRECISIONS)},
        "website": {"type": ["string", "null"], "format": "uri"},
        "public_contact": MAYBE_TEXT, "started_on": MAYBE_DATE, "ended_on": MAYBE_DATE,
        "research_partnership": {"type": "boolean"}, "source": TEXT,
        "sources": {"type": "array", "items": ref("Source"),
            "description": _("Les sources de la fiche, dans l'ordre : titre, adresse, date, "
                             "passage cité mot pour mot, emplacement dans le document.")},
        "last_verified_on": MAYBE_DATE, "status": {"enum": ["published", "archived"]},
        "life_status": {"enum": list(LIFE_STATUSES), "description": _(
            "Vie de l'initiative : en cours (active), pérennisée (permanent) ou terminée "
            "(ended).")},
        "life_note": {"type": "string", "description": _(
            "Ce qui l'a fait durer, ou pourquoi elle s'est arrêtée et ce qu'elle a laissé.")},
        "dossiers": {"type": "array", "items": TEXT, "description": _(
            "Les slugs des dossiers où elle figure (voir /api/v1/dossiers).")},
        "url": {"type": "string", "format": "uri",
                "description": _("La page de l'initiative sur Maillage.")},
        "updated_at": {"type": "string", "format": "date-time"},
        **place_detail_schemas(),
    }
    linked = {"type": "array", "items": ref("NamedInitiative")}
    lineage = {  # in the detail of one initiative only
        "inspired_by": {**linked, "description": _(
            "Une initiative seule : celles dont elle s'est inspirée ou qu'elle a copiées.")},
        "inspired": {**linked, "description": _(
            "Une initiative seule : celles qui se sont inspirées d'elle.")}}
    point = obj({"type": {"const": "Point"}, "coordinates": {
        "type": "array", "minItems": 2, "maxItems": 2, "prefixItems": [
            {"type": "number", "minimum": -180, "maximum": 180},
            {"type": "number", "minimum": -90, "maximum": 90}],
        "description": _("[longitude, latitude] en WGS 84, 6 décimales au plus.")}})
    return {
        "Point": point,
        "Feature": obj({"type": {"const": "Feature"}, "id": {"type": "integer"},
                        "geometry": {"oneOf": [ref("Point"), {"type": "null"}],
                                     "description": _(
                                         "Un point, ou null pour une fiche qui couvre tout un "
                                         "territoire (RFC 7946, 3.2).")},
                        "properties": obj(
                            {**properties, "distance_m": distance, **lineage},
                            required=list(properties))}),
        "Link": obj({"rel": TEXT, "type": TEXT, "href": {"type": "string", "format": "uri"}}),
        "FeatureCollection": obj({
            "type": {"const": "FeatureCollection"},
            "numberReturned": {"type": "integer", "minimum": 0},
            "next_cursor": MAYBE_TEXT,
            "links": {"type": "array", "items": ref("Link")},
            "features": {"type": "array", "items": ref("Feature")},
        }),
    }


def other_schemas() -> dict:
    counts = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}
    commune = obj({
        "insee": TEXT, "name": TEXT, "postcodes": {"type": "array", "items": TEXT},
        "departement": TEXT, "departement_name": MAYBE_TEXT, "region": TEXT,
        "region_name": MAYBE_TEXT, "epci": MAYBE_TEXT,
        "population": {"type": ["integer", "null"]},
        "lon": {"type": ["number", "null"]}, "lat": {"type": ["number", "null"]},
    })
    theme = obj({"slug": TEXT, "label_fr": TEXT, "label_en": TEXT,
                 "colour": {"type": "string", "pattern": "^#[0-9A-Fa-f]{6}$"},
                 "icon": TEXT, "position": {"type": "integer"},
                 "parent": MAYBE_TEXT, "data_inclusion": MAYBE_TEXT})
    summary = {"slug": {"type": "string", "pattern": SLUG_PATTERN}, "title": TEXT,
               "initiatives_count": {"type": "integer", "minimum": 0},
               "url": {"type": "string", "format": "uri",
                       "description": _("La page du dossier sur Maillage.")},
               "initiatives_url": {"type": "string", "format": "uri", "description": _(
                   "Ses initiatives en GeoJSON : /initiatives?dossier=<slug>.")},
               "updated_at": {"type": "string", "format": "date-time"}}
    named = obj({"id": {"type": "integer"}, "name": TEXT, "url": {"type": "string",
                                                                  "format": "uri"}})
    error = obj({"error": obj({"code": TEXT, "message": TEXT, "param": TEXT},
                              required=["code", "message"])})
    return {
        "Theme": theme, "Themes": obj({"themes": {"type": "array", "items": ref("Theme")}}),
        "Commune": commune,
        "Communes": obj({"communes": {"type": "array", "items": ref("Commune")}}),
        "Stats": obj({"total": {"type": "integer", "minimum": 0}, "themes": counts,
                      "kinds": counts, "departements": counts}),
        "Source": obj({"title": TEXT, "url": {"type": ["string", "null"], "format": "uri"},
                       "published_on": MAYBE_DATE, "quote": MAYBE_TEXT, "locator": MAYBE_TEXT}),
        "DossierSummary": obj(summary),
        "Dossiers": obj({"dossiers": {"type": "array", "items": ref("DossierSummary")}}),
        "Dossier": obj({**summary, "introduction": {**TEXT, "description": _(
            "Introduction en Markdown.")}, "sources": {"type": "array", "items": ref("Source")},
            "initiatives": {"type": "array", "items": ref("NamedInitiative"), "description": _(
                "Ses initiatives publiques, dans l'ordre du dossier.")},
            "created_at": {"type": "string", "format": "date-time"}}),
        "NamedInitiative": named,
        "Error": error,
    }


def query(name: str, schema: dict, description: str, **extra) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description, **extra}


def filter_parameters() -> list[dict]:
    def several(items: dict) -> dict:
        return {"type": "array", "items": items}

    code = {"type": "string", "pattern": CODE_PATTERN}
    return [
        query("q", {"type": "string", "maxLength": 200},
              _("Mots cherchés (sans accents ni casse).")),
        query("theme", several({"type": "string", "pattern": "^[a-z0-9-]{1,60}$"}),
              _("Slug d'un thème (répétable) ; un thème inconnu donne une erreur 400."),
              style="form", explode=True),
        query("kind", several({"enum": list(KINDS)}), _("Nature (répétable)."),
              style="form", explode=True),
        query("actor_type", several({"enum": list(ACTOR_TYPES)}),
              _("Type d'acteur (répétable)."), style="form", explode=True),
        actor_openapi.filter_parameter(query),
        query("commune", code, _("Code INSEE de la commune.")),
        query("epci", {"type": "string", "pattern": "^[0-9]{9}$"},
              _("Numéro SIREN de l'intercommunalité (EPCI).")),
        query("departement", code, _("Code du département (71, 2A…).")),
        query("region", code, _("Code de la région (27…).")),
        query("bbox", {"type": "string", "pattern": BBOX_PATTERN},
              _("Emprise minlon,minlat,maxlon,maxlat en WGS 84.")),
        query("near", {"type": "string", "pattern": NEAR_PATTERN},
              _("lon,lat en WGS 84, ou code postal ou code INSEE d'une commune : les "
                "initiatives dans le rayon, de la plus proche à la plus lointaine, avec "
                "distance_m ; une valeur inconnue donne une erreur 400.")),
        query("radius_km", {"type": "number", "minimum": 0.1, "maximum": MAX_RADIUS_KM,
                            "default": DEFAULT_RADIUS_KM},
              _("Rayon de near, en kilomètres (rayon sur les pages).")),
        query("status", {"enum": ["active", "archived", "all"]},
              _("active (par défaut) : publiées ; archived : archivées ; all : les deux.")),
        query("research", {"type": "boolean"}, _("Ouvertes à un partenariat de recherche.")),
        query("telephone", {"type": "boolean"},
              _("Seulement celles qui ont un numéro de téléphone.")),
        query("dossier", {"type": "string", "pattern": SLUG_PATTERN, "maxLength": 80},
              _("Slug d'un dossier (voir /dossiers) : ses initiatives ; un dossier inconnu "
                "donne une erreur 400.")),
        query("freshness", {"enum": ["stale", "current"]},
              _("stale : non confirmées depuis plus d'un an (STALE_AFTER_DAYS), à vérifier ; "
                "current : les autres (fraicheur=a-verifier|a-jour sur les pages).")),
        query("life", {"type": "string"},
              _("Vie de l'initiative, une ou plusieurs séparées par des virgules : active, "
                "permanent (pérennisée), ended (terminée) ; vie=perennisee|terminee aussi.")),
        query("scope", several({"enum": list(SCOPES)}),
              _("Portée (répétable) : local (un point), intercommunal, departemental, "
                "regional ou national (tout un territoire)."), style="form", explode=True),
        query("updated_since", {"type": "string", "format": "date-time"},
              _("Modifiées depuis cette date (ISO 8601, UTC si sans fuseau).")),
    ]


def responses(schema: str, media: str = "application/json", *errors: int) -> dict:
    answers = {
        "200": {"description": "OK", "content": {media: {"schema": ref(schema)}}},
        "304": {"description": _("Inchangé depuis la version indiquée par If-None-Match.")},
    }
    for status in errors:
        answers[str(status)] = {"description": _("Erreur"),
                                "content": {"application/json": {"schema": ref("Error")}}}
    return answers


def operation(summary: str, params: list, answers: dict, **extra) -> dict:
    return {"get": {"summary": summary, "parameters": params, "responses": answers, **extra}}


def paths() -> dict:
    geo = "application/geo+json"
    limit = query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                  _("Taille de la page (%(default)s par défaut).", default=DEFAULT_LIMIT))
    cursor = query("cursor", {"type": "string"}, _("Curseur opaque de la page suivante."))
    initiative_id = {"name": "id", "in": "path", "required": True,
                     "schema": {"type": "integer", "minimum": 1}}
    communes_params = [
        {**query("q", {"type": "string", "minLength": 1, "maxLength": 100},
                 _("Début du nom, code postal ou code INSEE.")), "required": True},
        query("limit", {"type": "integer", "minimum": 1, "maximum": 50}, _("10 par défaut.")),
    ]
    return {
        "/initiatives": operation(_("Initiatives publiées (FeatureCollection paginée)"),
                                  [*filter_parameters(), limit, cursor],
                                  responses("FeatureCollection", geo, 400)),
        "/initiatives/{id}": operation(_("Une initiative publiée (Feature)"), [initiative_id],
                                       responses("Feature", geo, 404)),
        "/themes": operation(_("Les thèmes"), [], responses("Themes")),
        "/dossiers": operation(_("Les dossiers"), [], responses("Dossiers")),
        "/dossiers/{slug}": operation(_("Un dossier : introduction, sources, initiatives"), [
            {"name": "slug", "in": "path", "required": True,
             "schema": {"type": "string", "pattern": SLUG_PATTERN}}],
            responses("Dossier", "application/json", 404)),
        "/communes": operation(_("Autocomplétion des communes"), communes_params,
                               responses("Communes", "application/json", 400, 503)),
        "/stats": operation(_("Nombre d'initiatives par thème, nature et département"),
                            filter_parameters(), responses("Stats", "application/json", 400)),
        **actor_openapi.paths(query, operation, responses, actors.MAX_LIMIT),
        **map_openapi.paths(filter_parameters(), responses),
    }


def document() -> dict:
    """The whole OpenAPI document, in the current language."""
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "Maillage API", "version": "1.0.0",
            "description": _("Les initiatives publiées de Maillage en GeoJSON (RFC 7946). "
                             "Lecture seule, sans authentification, CORS ouvert."),
            "license": DATA_LICENCE,
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths(),
        "components": {"schemas": {**feature_schemas(), **other_schemas(),
                                   **actor_openapi.schemas(), **map_openapi.schemas()}},
    }
