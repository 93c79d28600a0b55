"""The initiative form shared by contribution and moderation. Field rules: app.initiatives.fields.

The forms only declare fields and render them; values are checked by fields.clean(), the one
set of rules of every channel, and its French messages are put back next to each field.
"""

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
    widgets,
)

from app.initiatives.actors import ROLE_LENGTH
from app.initiatives.fields import MAX_LENGTHS
from app.initiatives.partner_text import split_role
from app.initiatives.sources import MAX_SOURCES, SOURCE_LENGTHS
from app.web.labels import ACTOR_TYPE_LABELS, KIND_LABELS, LIFE_LABELS, SCOPE_CHOICES
from app.web.place_form import PlaceDetailsFields


def options(labels) -> list[SelectChoice]:
    """The choices of a select or radio field from (value, label) pairs or a {value: label}."""
    pairs = labels.items() if isinstance(labels, dict) else labels
    return [SelectChoice(str(value), label) for value, label in pairs]

class VersionField(HiddenField):
    """The version of a record the person saw; missing from a post, it is None.

    A form built with the stored values must not fill in a version the post left out: a
    missing version counts as an outdated one, never as the current one.
    """

    def process_formdata(self, valuelist):
        self.data = valuelist[0] if valuelist else None


def text(label, field: str, area: bool = False, **render_kw):
    """A text input capped at the field's stored length."""
    render_kw["maxlength"] = MAX_LENGTHS[field]
    kind = TextAreaField if area else StringField
    return kind(label, render_kw=render_kw)

class CheckboxList(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

# Empty source rows offered below the filled ones: enough without a script, which adds more.
EMPTY_SOURCE_ROWS = 3


class SourceForm(Form):
    """One source: the rules (required title, web address, lengths) are the sources' own."""

    title = StringField(_l("Titre du document"),
                        render_kw={"maxlength": SOURCE_LENGTHS["title"]})
    url = StringField(_l("Adresse web (facultatif)"), render_kw={
        "maxlength": SOURCE_LENGTHS["url"], "type": "url", "placeholder": "https://"})
    published_on = StringField(_l("Date de publication (facultatif)"),
                               render_kw={"type": "date"})
    quote = TextAreaField(_l("Passage cité, mot pour mot (facultatif)"),
                          render_kw={"maxlength": SOURCE_LENGTHS["quote"], "rows": 3})
    locator = StringField(_l("Emplacement : section, page (facultatif)"),
                          render_kw={"maxlength": SOURCE_LENGTHS["locator"]})


class WithSources(FlaskForm):
    """A form ending with cited sources (an initiative's, a dossier's)."""

    sources = FieldList(FormField(SourceForm), max_entries=MAX_SOURCES + EMPTY_SOURCE_ROWS)

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        """Fill the form, then offer a few empty source rows below the given ones."""
        super().process(formdata, obj, data, extra_filters, **kwargs)
        blank = sum(1 for entry in self.sources if not any(entry.data.values()))
        for _row in range(max(0, EMPTY_SOURCE_ROWS - blank)):
            if len(self.sources) < self.sources.max_entries:
                self.sources.append_entry()


def check_partner_lines(_form, field) -> None:
    """Say which line of the partners is wrong: a role without a name, a role too long (the
    rules would drop the one and cut the other)."""
    for number, line in enumerate((field.data or "").splitlines(), 1):
        name, role = split_role(line.strip())
        if role and not name:
            raise ValidationError(_("Ligne %(line)d : le nom du partenaire manque, avant le "
                                    "rôle entre parenthèses.", line=number))
        if len(role) > ROLE_LENGTH:
            raise ValidationError(_("Ligne %(line)d : le rôle a plus de %(max)d caractères.",
                                    line=number, max=ROLE_LENGTH))


class InitiativeForm(PlaceDetailsFields, WithSources):
    """The public fields of an initiative, and where it is."""

    name = text(_l("Nom de l'initiative"), "name")
    summary = text(_l("Résumé en une ou deux phrases"), "summary", area=True, rows=2)
    description = text(_l("Description"), "description", area=True, rows=10)
    kind = SelectField(_l("Nature"), choices=options(KIND_LABELS), validate_choice=False)
    themes = CheckboxList(_l("Thèmes"), choices=[], validate_choice=False)
    tags = StringField(_l("Mots-clés (séparés par des virgules)"), render_kw={"maxlength": 300})
    # Typed, the name finds the actor of that name (app.initiatives.actors); chosen among the
    # suggestions (static/js/actors.js), the hidden actor_choice names it exactly (never
    # filled from the record: a name typed later must not keep an old choice).
    actor_name = text(_l("Porteur ou porteuse (structure)"), "actor_name",
                      list="actor-options", autocomplete="off", **{"data-actor-input": ""})
    actor_choice = HiddenField()
    actor_identifier = StringField(_l("SIRET, SIREN ou numéro RNA (facultatif)"),
                                   render_kw={"maxlength": 20, "autocomplete": "off"})
    actor_type = SelectField(_l("Type de porteur"), validate_choice=False, choices=options(
        [("", _l("— Non précisé —")), *ACTOR_TYPE_LABELS.items()]))
    partners = TextAreaField(_l("Partenaires"), validators=[check_partner_lines],
                             render_kw={"rows": 3, "maxlength": 12_000})
    scope = RadioField(_l("Portée"), choices=options(SCOPE_CHOICES), default="local",
                       validate_choice=False)
    territory = StringField(_l("Territoire couvert"), render_kw={
        "maxlength": 160, "autocomplete": "off", "list": "territory-options"})
    commune = StringField(_l("Commune"), render_kw={
        "maxlength": 120, "autocomplete": "off", "data-commune-input": ""})
    insee = HiddenField()
    lon = HiddenField()
    lat = HiddenField()
    commune_choice = RadioField(_l("Précisez la commune"), choices=[], validate_choice=False)
    website = text(_l("Site web"), "website", type="url", placeholder="https://")
    public_contact = text(_l("Contact public (publié)"), "public_contact")
    started_on = StringField(_l("Date de début"), render_kw={"type": "date"})
    ended_on = StringField(_l("Date de fin"), render_kw={"type": "date"})
    research_partnership = BooleanField(_l("Ouverte à un partenariat avec la recherche"))
    life_status = SelectField(_l("Vie de l'initiative"), choices=options(LIFE_LABELS),
                              validate_choice=False, default="active")
    life_note = text(_l("Ce qui l'a fait durer, ou pourquoi elle s'est arrêtée et ce qu'elle a "
                        "laissé"), "life_note", area=True, rows=3)

    theme_tree: list = []  # (top, its children's slugs), set with the choices

    def set_theme_choices(self, themes) -> None:
        """Offer the themes (tree order), labelled in the page's language, grouped by top."""
        locale = str(get_locale() or "fr")
        self.themes.choices = options((theme.slug, theme.label(locale)) for theme in themes)
        self.theme_tree = [(theme, [child.slug for child in themes if child.parent_id == theme.id])
                           for theme in themes if theme.parent_id is None]

    def theme_groups(self) -> list[tuple[str, list]]:
        """The theme checkboxes by top category: its children, or the top itself when it has
        none or is chosen already (an entry filed under a top keeps it when edited)."""
        checkboxes = {option.data: option for option in self.themes}
        chosen = set(self.themes.data or ())
        return [(checkboxes[top.slug].label.text, [
            checkboxes[slug] for slug in ([top.slug] if not children or top.slug in chosen
                                          else []) + children])
            for top, children in self.theme_tree]


def private_email():
    """The proposer's e-mail address, never published."""
    return text(_l("Votre adresse e-mail (facultatif, jamais publiée)"), "private_email",
                type="email", autocomplete="email")
