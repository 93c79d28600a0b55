"""The data·inclusion standard (v1): structures and services as JSON lists.

Every item is checked by the `data-inclusion-schema` package's own models before it is
written; an entry they refuse is left out and counted with the field they refused.
A service is an initiative; its structure is its lead actor when it has one, else the
initiative itself stands as its structure (a place is a structure).
"""

from collections.abc import Iterator

import orjson
import pydantic
from data_inclusion.schema import v1

from app.exchange.standard_items import (
    SOURCE,
    Exclusions,
    initiatives,
    page_link,
    pivot_of,
    plain_description,
    precise_point,
)
from app.filters import Filters
from app.initiatives.place_vocabulary import standard_values
from app.models import Initiative

NAME_MAX = 150
KNOWN_THEMES = {item.value for item in v1.Thematique}


def structure_id(initiative: Initiative) -> str:
    actor = initiative.lead_actor
    return f"{SOURCE}--acteur-{actor.id}" if actor else f"{SOURCE}--lieu-{initiative.id}"


def short_name(name: str) -> str:
    """A name within the standard's 150 characters, without a final full stop."""
    name = name if len(name) <= NAME_MAX else name[:NAME_MAX - 1].rstrip() + "…"
    return name.rstrip(".") or name


def place_fields(initiative: Initiative) -> dict:
    """Where and how to reach the entry, the same for its structure and its service."""
    lat, lon = precise_point(initiative)
    return {"adresse": initiative.street_address, "code_postal": initiative.postcode,
            "code_insee": initiative.insee, "commune": initiative.commune_name,
            "latitude": lat, "longitude": lon, "telephone": initiative.phone,
            "courriel": (initiative.emails or [None])[0],
            "horaires_accueil": initiative.opening_hours}


def structure_item(initiative: Initiative, site: str) -> dict:
    """The structure behind an entry: its lead actor, else the entry itself."""
    actor = initiative.lead_actor
    item = {"source": SOURCE, "id": structure_id(initiative),
            "date_maj": initiative.updated_at.date().isoformat(), "siret": None}
    if actor:
        item.update(nom=short_name(actor.name), siret=actor.siret, site_web=actor.website,
                    code_insee=actor.insee, commune=actor.commune_name)
        return item
    item.update(place_fields(initiative), nom=short_name(initiative.actor_name or
                                                          initiative.name),
                siret=pivot_of(initiative), site_web=initiative.website,
                lien_source=page_link(initiative, site),
                description=plain_description(initiative) or initiative.summary or None,
                accessibilite_lieu=initiative.accessibility_url)
    return item


def service_item(initiative: Initiative, site: str) -> dict:
    """The entry as a service of its structure."""
    fees = initiative.fees or []
    return {
        "source": SOURCE, "structure_id": structure_id(initiative),
        "id": f"{SOURCE}--{initiative.id}", "nom": short_name(initiative.name),
        "description": plain_description(initiative) or initiative.summary or initiative.name,
        "lien_source": page_link(initiative, site),
        "date_maj": initiative.updated_at.date().isoformat(), **place_fields(initiative),
        "thematiques": themes_of(initiative) or None,
        "frais": "payant" if "payant" in fees else ("gratuit" if fees else None),
        "frais_precisions": "Gratuit sous condition" if "gratuit-sous-condition" in fees
        else None,
        "publics": publics_of(initiative) or None,
        "modes_accueil": standard_values("support_modes", initiative.support_modes, "di")
        or None,
        "modes_mobilisation": standard_values("access_modes", initiative.access_modes, "di")
        or None,
        "lien_mobilisation": initiative.booking_url,
    }


def themes_of(initiative: Initiative) -> list[str]:
    """The data·inclusion thématiques of its categories and of the services it offers."""
    words = [theme.data_inclusion for theme in initiative.themes] + \
        standard_values("services", initiative.services, "di")
    return list(dict.fromkeys(word for word in words if word in KNOWN_THEMES))


def publics_of(initiative: Initiative) -> list[str]:
    publics = standard_values("publics", initiative.publics, "di")
    # "tous-publics" may not stand beside another public (the model refuses it).
    return [code for code in publics if code != "tous-publics"] or publics


def checked(model: type[pydantic.BaseModel], item: dict,
            exclusions: Exclusions) -> dict | None:
    """The item as the model writes it back, None (counted) when the model refuses it."""
    try:
        valid = model.model_validate(item)
    except pydantic.ValidationError as error:
        exclusions.leave_out(sorted({str(problem["loc"][0]) for problem in error.errors()}))
        return None
    exclusions.kept += 1
    return valid.model_dump(mode="json")


def services(filters: Filters, site: str, exclusions: Exclusions) -> Iterator[dict]:
    for initiative in initiatives(filters):
        if (item := checked(v1.Service, service_item(initiative, site), exclusions)) is not None:
            yield item


def structures(filters: Filters, site: str, exclusions: Exclusions) -> Iterator[dict]:
    """Each structure once, however many matching entries it stands behind."""
    seen = set()
    for initiative in initiatives(filters):
        if structure_id(initiative) in seen:
            continue
        seen.add(structure_id(initiative))
        item = checked(v1.Structure, structure_item(initiative, site), exclusions)
        if item is not None:
            yield item


KINDS = {"structures": structures, "services": services}


def data_inclusion_json(kind: str, filters: Filters, site: str) -> tuple[bytes, Exclusions]:
    """The JSON list of structures or services, and what was left out."""
    exclusions = Exclusions()
    items = list(KINDS[kind](filters, site, exclusions))
    return orjson.dumps(items, option=orjson.OPT_INDENT_2), exclusions
