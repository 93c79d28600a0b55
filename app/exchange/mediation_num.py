"""The lieux de médiation numérique standard (Table Schema v1.0.2): the CSV export.

An entry is a digital-mediation place when it is in the "Inclusion numérique" category (or
offers one of the standard's services) and is a place people come to (a place, or an entry
with a street address). Of those, the export keeps the ones carrying what the schema
requires — the pivot (the lead actor's SIRET), a street address, a postcode, a commune —
and says how many others it leaves out, and why.
"""

import csv
import io
from collections.abc import Iterator

from app.exchange.csv_format import neutralise
from app.exchange.standard_items import (
    SOURCE,
    Exclusions,
    initiatives,
    pivot_of,
    plain_description,
    precise_point,
)
from app.filters import Filters
from app.initiatives.place_vocabulary import standard_values
from app.models import Initiative
from app.text import N_

COLUMNS = (
    "id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse",
    "complement_adresse", "latitude", "longitude", "typologie", "telephone", "courriels",
    "site_web", "horaires", "presentation_resume", "presentation_detail", "source",
    "itinerance", "structure_parente", "date_maj", "services",
    "publics_specifiquement_adresses", "prise_en_charge_specifique", "frais_a_charge",
    "dispositif_programmes_nationaux", "formations_labels", "autres_formations_labels",
    "modalites_acces", "modalites_accompagnement", "fiche_acces_libre", "prise_rdv",
)
DIGITAL_CATEGORY = "numerique"
SUMMARY_MAX = 280
# Free text a spreadsheet could run as a formula; the other columns follow the schema's
# patterns (a phone starts with +), never neutralised.
FREE_TEXT = ("nom", "commune", "adresse", "presentation_resume", "presentation_detail",
             "source")
# The reasons an entry is left out, in the words the export page shows (French msgids).
NOT_MEDIATION = N_("pas un lieu de médiation numérique")
REQUIREMENTS = (
    ("pivot", N_("sans SIRET de l'acteur porteur (pivot)")),
    ("adresse", N_("sans adresse")),
    ("code_postal", N_("sans code postal")),
    ("commune", N_("sans commune")),
)


def is_mediation_place(initiative: Initiative) -> bool:
    """In the digital-inclusion category or offering the standard's services, and a place."""
    digital = any(theme.top.slug == DIGITAL_CATEGORY for theme in initiative.themes) or \
        bool(initiative.services)
    return digital and (initiative.kind == "place" or bool(initiative.street_address))


def mediation_row(initiative: Initiative) -> dict:
    """The entry as a row of the standard (its values unchecked)."""
    lat, lon = precise_point(initiative)
    return {
        "id": f"{SOURCE}-{initiative.id}", "pivot": pivot_of(initiative),
        "nom": initiative.name, "commune": initiative.commune_name,
        "code_postal": initiative.postcode, "code_insee": initiative.insee,
        "adresse": initiative.street_address, "latitude": lat, "longitude": lon,
        "telephone": initiative.phone, "courriels": "|".join(initiative.emails or ()),
        "site_web": initiative.website, "horaires": initiative.opening_hours,
        "presentation_resume": (initiative.summary or "")[:SUMMARY_MAX],
        "presentation_detail": plain_description(initiative), "source": "Maillage",
        "date_maj": initiative.updated_at.date().isoformat(),
        "services": joined("services", initiative.services),
        "publics_specifiquement_adresses": joined("publics", initiative.publics),
        "frais_a_charge": joined("fees", initiative.fees),
        "modalites_acces": joined("access_modes", initiative.access_modes),
        "modalites_accompagnement": joined("support_modes", initiative.support_modes),
        "fiche_acces_libre": initiative.accessibility_url, "prise_rdv": initiative.booking_url,
    }


def joined(field: str, codes: list[str] | None) -> str:
    return "|".join(standard_values(field, codes, "mn"))


def missing(row: dict) -> list[str]:
    """The reasons a row cannot be published in the standard, if any."""
    return [reason for column, reason in REQUIREMENTS if not row.get(column)]


def mediation_rows(filters: Filters, exclusions: Exclusions) -> Iterator[dict]:
    """The rows of the matching entries the standard can hold, counting the others."""
    for initiative in initiatives(filters):
        if not is_mediation_place(initiative):
            exclusions.leave_out([NOT_MEDIATION])
            continue
        row = mediation_row(initiative)
        if reasons := missing(row):
            exclusions.leave_out(reasons)
            continue
        exclusions.kept += 1
        yield row


def mediation_csv(filters: Filters) -> tuple[bytes, Exclusions]:
    """The CSV of the standard (UTF-8, comma separated) and what it left out."""
    exclusions = Exclusions()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in mediation_rows(filters, exclusions):
        writer.writerow([cell(column, row.get(column)) for column in COLUMNS])
    return out.getvalue().encode(), exclusions


def cell(column: str, value) -> str:
    if value is None:
        return ""
    text = str(value)
    return neutralise(text) if column in FREE_TEXT else text
