"""The place details' fields of the initiative form (mixed into InitiativeForm); all optional.

Their rules are app.initiatives.place_details'; the form only offers them.
"""

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField, widgets

from app.initiatives.phones import display_phone
from app.initiatives.place_details import DETAIL_LENGTHS
from app.models.place_details import PLACE_DETAIL_FIELDS, PLACE_DETAIL_LISTS
from app.web.place_details import VOCABULARY_FIELDS, vocabulary_choices


class Checkboxes(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def checkboxes(label, field: str) -> Checkboxes:
    """A multi-select of a vocabulary; its labels are translated when the page is drawn."""
    return Checkboxes(label, choices=lambda: vocabulary_choices(field), validate_choice=False)


def url_field(label, field: str) -> StringField:
    return StringField(label, render_kw={"maxlength": DETAIL_LENGTHS[field], "type": "url",
                                         "placeholder": "https://"})


class PlaceDetailsFields:
    """Address, phone, e-mails, hours, services and links of the place."""

    street_address = StringField(_l("Adresse (numéro et rue)"), render_kw={
        "maxlength": DETAIL_LENGTHS["street_address"], "autocomplete": "street-address"})
    postcode = StringField(_l("Code postal"), render_kw={
        "maxlength": 5, "inputmode": "numeric", "autocomplete": "postal-code"})
    phone = StringField(_l("Téléphone"), render_kw={"type": "tel", "maxlength": 25,
                                                   "placeholder": "01 23 45 67 89"})
    emails = StringField(_l("Adresses e-mail du lieu (publiées, séparées par des virgules)"),
                         render_kw={"maxlength": 600})
    opening_hours = StringField(_l("Horaires d'ouverture"), render_kw={
        "maxlength": DETAIL_LENGTHS["opening_hours"],
        "placeholder": "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00"})
    services = checkboxes(_l("Services proposés"), "services")
    publics = checkboxes(_l("Publics accueillis"), "publics")
    fees = checkboxes(_l("Frais à la charge du public"), "fees")
    access_modes = checkboxes(_l("Comment y accéder"), "access_modes")
    support_modes = checkboxes(_l("Comment les personnes sont accompagnées"), "support_modes")
    booking_url = url_field(_l("Lien de prise de rendez-vous"), "booking_url")
    accessibility_url = url_field(_l("Fiche d'accessibilité (Acceslibre)"), "accessibility_url")


def place_form_data(initiative) -> dict:
    """An initiative's details as the form shows them: the phone the French way, lists."""
    data = {name: getattr(initiative, name) for name in PLACE_DETAIL_FIELDS}
    data["phone"] = display_phone(initiative.phone)
    data["emails"] = ", ".join(initiative.emails or ())
    for name in VOCABULARY_FIELDS:
        data[name] = list(data[name] or ())
    return data


def place_form_values(form) -> dict:
    """The details typed in a form, as raw values for the rules."""
    return {name: form[name].data for name in PLACE_DETAIL_FIELDS}


__all__ = ["PLACE_DETAIL_LISTS", "PlaceDetailsFields", "place_form_data", "place_form_values"]
