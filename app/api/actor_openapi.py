"""The actors' part of the OpenAPI document: their schemas, paths and properties."""

from flask_babel import gettext as _

from app.models import ACTOR_TYPES

REF = "#/components/schemas/"
TEXT = {"type": "string"}
MAYBE_TEXT = {"type": ["string", "null"]}
MAYBE_ID = {"type": ["integer", "null"]}


def closed(properties: dict, required: list | None = None) -> dict:
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required,
            "additionalProperties": False}


def feature_properties() -> dict:
    """What a feature says of its actors: the lead actor's id and identifiers, partners."""
    return {
        "actor_id": {**MAYBE_ID, "description": _("Identifiant de l'acteur porteur.")},
        "actor_siren": {**MAYBE_TEXT, "description": _("SIREN de l'acteur porteur.")},
        "actor_siret": {**MAYBE_TEXT, "description": _("SIRET de l'acteur porteur.")},
        "actor_rna": {**MAYBE_TEXT, "description": _("Numéro RNA de l'acteur porteur.")},
        "partners": {"type": "array", "items": closed(
            {"actor_id": {"type": "integer"}, "name": TEXT, "role": TEXT}),
            "description": _("Les acteurs partenaires, avec leur rôle.")},
    }


def schemas() -> dict:
    actor = {
        "id": {"type": "integer"}, "name": TEXT, "slug": TEXT,
        "type": {"enum": [*ACTOR_TYPES, None]},
        "siren": {"type": ["string", "null"], "pattern": "^[0-9]{9}$"},
        "siret": {"type": ["string", "null"], "pattern": "^[0-9]{14}$"},
        "rna": {"type": ["string", "null"], "pattern": "^W[0-9][0-9AB][0-9]{7}$"},
        "website": MAYBE_TEXT, "public_contact": MAYBE_TEXT, "description": TEXT,
        "commune": {"oneOf": [{"type": "null"}, closed({"insee": TEXT, "name": MAYBE_TEXT})]},
        "url": {"type": "string", "format": "uri", "description": _("La page de l'acteur.")},
        "initiatives_url": {"type": "string", "format": "uri",
                            "description": _("Ses initiatives (porteur ou partenaire).")},
        "updated_at": {"type": "string", "format": "date-time"},
        "initiative_count": {"type": "integer", "minimum": 0},
    }
    detail = {
        **actor,
        "initiatives": {"type": "array", "items": closed({
            "id": {"type": "integer"}, "name": TEXT, "role": {"enum": ["lead", "partner"]},
            "url": {"type": "string", "format": "uri"}})},
        "territories": closed({level: {"type": "array", "items": TEXT}
                               for level in ("commune", "departement", "region")}),
    }
    return {
        "Actor": closed(actor),
        "ActorDetail": closed(detail),
        "Actors": closed({"actors": {"type": "array", "items": {"$ref": REF + "Actor"}},
                          "numberReturned": {"type": "integer", "minimum": 0},
                          "next_cursor": MAYBE_TEXT,
                          "next": {"type": "string", "format": "uri"}},
                         required=["actors", "numberReturned", "next_cursor"]),
    }


def filter_parameter(query) -> dict:
    return query("actor", {"type": "integer", "minimum": 1},
                 _("Identifiant d'un acteur : les initiatives qu'il porte ou dont il est "
                   "partenaire."))


def paths(query, operation, responses, limit_max: int) -> dict:
    """/actors and /actors/{id}."""
    code = {"type": "string", "pattern": "^[0-9A-Za-z]{1,5}$"}
    params = [
        query("q", {"type": "string", "maxLength": 200},
              _("Mots cherchés dans le nom (sans accents ni casse).")),
        query("type", {"type": "array", "items": {"enum": list(ACTOR_TYPES)}},
              _("Type d'acteur (répétable)."), style="form", explode=True),
        query("commune", code, _("Agit dans cette commune (code INSEE) ou y a son siège.")),
        query("epci", {"type": "string", "pattern": "^[0-9]{9}$"},
              _("Agit dans cette intercommunalité (SIREN).")),
        query("departement", code, _("Agit dans ce département.")),
        query("region", code, _("Agit dans cette région.")),
        query("limit", {"type": "integer", "minimum": 1, "maximum": limit_max},
              _("Taille de la page (100 par défaut).")),
        query("cursor", {"type": "string"}, _("Curseur opaque de la page suivante.")),
    ]
    actor_id = {"name": "id", "in": "path", "required": True,
                "schema": {"type": "integer", "minimum": 1}}
    detail = responses("ActorDetail", "application/json", 404)
    detail["301"] = {"description": _("Acteur fusionné : redirige vers celui qui est gardé.")}
    return {
        "/actors": operation(_("Acteurs publiés (paginés)"), params,
                             responses("Actors", "application/json", 400)),
        "/actors/{id}": operation(_("Un acteur, ses initiatives et ses territoires"),
                                  [actor_id], detail),
    }
