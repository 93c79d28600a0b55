"""The checks of a submitted initiative form, shared by contribution and moderation."""

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup

from app.geo.gazetteer import Commune
from app.geo.scope_places import territory_from_text, territory_text
from app.geo.territory import current_gazetteer
from app.initiatives.actor_identifiers import identifier_text
from app.initiatives.actors import partners_of
from app.initiatives.duplicates import find_duplicates
from app.initiatives.fields import MAX_LENGTHS, InvalidInitiative
from app.initiatives.geojson import iso
from app.initiatives.partner_text import parse_partner_lines, partner_lines
from app.initiatives.values import CleanValues
from app.models import ChangeSet, Initiative
from app.models.scope import territory_code
from app.text import fold
from app.web.forms import options
from app.web.i18n import translate
from app.web.markdown import render_markdown
from app.web.place_form import place_form_data, place_form_values

VALUE_FIELDS = ("name", "summary", "description", "kind", "actor_name", "actor_type",
                "actor_identifier", "website",
                "public_contact", "started_on", "ended_on", "research_partnership", "themes",
                "tags", "insee", "lon", "lat", "sources", "life_status", "life_note", "scope")
# The actor chosen among the suggestions, a new actor's identifier: given, or nothing.
OPTIONAL_FIELDS = ("lead_actor_id", "actor_identifier")
# Errors about the place all show next to the commune field (the point is a hidden field).
ERROR_FIELDS = {"lead_actor_id": "actor_name", "location": "commune", "insee": "commune",
                "lon": "commune", "lat": "commune", "territory": "territory", "scope": "scope"}
COMMUNE_CHOICES = 8


@dataclass
class Submission:
    """What the checks made of a submitted form."""

    values: CleanValues | None = None  # when there is no error
    duplicates: list[Initiative] = field(default_factory=list)
    preview: Markup | None = None
    blocked: bool = False  # looked automated

    @property
    def ready(self) -> bool:
        return self.values is not None and not self.duplicates


def form_values(form) -> dict[str, Any]:
    """The initiative values typed in a form, with the point's precision; nothing else."""
    data = {name: form[name].data for name in VALUE_FIELDS}
    data.update(place_form_values(form))
    data["lead_actor_id"] = form.actor_choice.data
    for name in OPTIONAL_FIELDS:  # left out when blank: no change to what is stored
        if not (data[name] or "").strip():
            del data[name]
    if "private_email" in form:
        data["private_email"] = form.private_email.data
    if form.partners.raw_data:  # a post without the field changes no partner
        data["partners"] = parse_partner_lines(form.partners.data)
    data["location_precision"] = "address" if data["lon"] and data["lat"] else "commune"
    data["scope"] = data["scope"] or "local"
    if data["scope"] != "local":  # a whole territory: what the commune part held goes
        data.update(lon=None, lat=None, insee=None, location_precision="territory",
                    territory=territory_from_text(data["scope"], form.territory.data))
    return data


def check_submission(form, *, partial: bool = False, duplicates: bool = False) -> Submission:
    """Run every check of a submitted form, putting its messages next to the fields."""
    form.validate()
    commune = resolve_commune(form)
    submission = Submission()
    submission.preview = preview_of(form.description.data)
    try:
        values = CleanValues.check(form_values(form), partial=partial, commune=commune)
    except InvalidInitiative as error:
        attach_errors(form, error.errors)
        return submission
    if not form.errors:
        submission.values = values
        if duplicates and not form.confirm_distinct.data:
            submission.duplicates = possible_duplicates(values)
    return submission


def preview_of(description: str | None) -> Markup | None:
    """The description rendered for the preview; none when it is over its length limit.

    The limit is checked first: a text refused anyway is never parsed (issue 13).
    """
    if not description or len(description) > MAX_LENGTHS["description"]:
        return None
    return render_markdown(description)


def attach_errors(form, errors: dict[str, str]) -> None:
    """Show each rule's message, in the page's language, next to its field or above the form."""
    for name, message in errors.items():
        name, message = ERROR_FIELDS.get(name, name), translate(message)
        if name in form:
            form[name].errors = [*form[name].errors, message]
        else:
            form.form_errors.append(message)


def resolve_commune(form) -> Commune | None:
    """Find the INSEE code of the typed commune when no script did; offer the namesakes.

    Return the commune when it was looked up, so that placing the initiative does not again.
    """
    typed = (form.commune.data or "").strip()
    if form.commune_choice.data:
        form.insee.data = form.commune_choice.data
        return None
    if form.insee.data and matches(given := current_gazetteer().get(form.insee.data), typed):
        return given
    form.insee.data = ""
    if not typed:
        return None
    found = current_gazetteer().search(typed, limit=COMMUNE_CHOICES)
    exact = [commune for commune in found if matches(commune, typed)]
    if len(exact) == 1 or len(found) == 1:
        form.insee.data = (exact or found)[0].insee
        return (exact or found)[0]
    form.commune.errors = [_("Plusieurs communes correspondent : choisissez la vôtre.")
                           if found else _("Commune introuvable : vérifiez son nom.")]
    form.commune_choice.choices = options((c.insee, commune_label(c)) for c in found)
    return None


def matches(commune: Commune | None, typed: str) -> bool:
    """Tell whether what was typed names this commune (its name, postcode or INSEE code)."""
    if commune is None:
        return False
    return fold(typed) in (fold(commune.name), fold(commune_label(commune))) or \
        typed in (commune.insee, *commune.postcodes)


def commune_label(commune: Commune) -> str:
    """"Cluny (71250, Saône-et-Loire)": enough to tell namesakes apart."""
    postcode = commune.postcodes[0] if commune.postcodes else commune.insee
    return f"{commune.name} ({postcode}, {commune.departement_name or commune.departement})"


def possible_duplicates(values: CleanValues, *, exclude_id: int | None = None,
                        statuses: tuple[str, ...] = ("published",)) -> list[Initiative]:
    """Published initiatives that look like these values (a pending one is nobody's business)."""
    try:
        lon, lat = values.place["lon"], values.place["lat"]
    except InvalidInitiative:
        lon, lat = None, None  # a commune without a reference point: saving will say so
    return find_duplicates(values.get("name", ""), lon, lat, values.get("website"),
                           exclude_id=exclude_id, statuses=statuses)


def initiative_form_data(initiative: Initiative) -> dict[str, Any]:
    """An initiative's values as a form shows them (the pin only when it was placed by hand)."""
    # A new actor's identifier starts blank: the current one would name the current actor.
    data = {name: getattr(initiative, name) for name in VALUE_FIELDS
            if name not in ("themes", "tags", "lon", "lat", "sources", "actor_identifier")}
    data.update(themes=[t.slug for t in initiative.themes],
                sources=[source.as_dict() for source in initiative.sources],
                tags=", ".join(t.name for t in initiative.tags),
                commune=initiative.commune_name or "", started_on=iso(initiative.started_on) or "",
                ended_on=iso(initiative.ended_on) or "",
                partners=partner_lines(partners_of(initiative)))
    data.update(place_form_data(initiative))
    data["territory"] = territory_text(initiative.scope, territory_code(initiative))
    if initiative.location_precision == "address":
        data.update(lon=str(initiative.lon), lat=str(initiative.lat))
    return data


def change_set_form_data(change_set: ChangeSet) -> dict[str, Any]:
    """The live values with a change set's proposals over them, as a form shows them."""
    changes = dict(change_set.changes)
    if "tags" in changes:
        changes["tags"] = ", ".join(changes["tags"])
    if isinstance(changes.get("actor_identifier"), dict):
        changes["actor_identifier"] = identifier_text(**changes["actor_identifier"])
    if isinstance(changes.get("partners"), list):
        changes["partners"] = partner_lines(changes["partners"])
    changes.pop("lead_actor_id", None)  # the form names it again by the actor's name
    return {**initiative_form_data(change_set.initiative), **changes,
            "message": change_set.message, "private_email": change_set.proposer_email}

