"""The type of an OpenAPI parameter in words, for the API's documentation page."""

from flask_babel import gettext as _


def describe_schema(schema: dict) -> str:
    """Say what a parameter accepts: "entier de 1 à 1000", "liste de chaînes…"."""
    if schema.get("type") == "array":
        return describe_list(schema.get("items", {}))
    if "enum" in schema:
        return _("une valeur parmi : %(values)s", values=enum_values(schema))
    return describe_scalar(schema)


def describe_list(items: dict) -> str:
    if "enum" in items:
        return _("liste de valeurs parmi : %(values)s, séparées par des virgules ou en "
                 "paramètre répété", values=enum_values(items))
    return _("liste de %(items)s, séparées par des virgules ou en paramètre répété",
             items=plural_of(items))


def enum_values(schema: dict) -> str:
    return ", ".join(str(value) for value in schema["enum"] if value is not None)


def describe_scalar(schema: dict) -> str:
    kind, low, high = schema.get("type"), schema.get("minimum"), schema.get("maximum")
    if kind == "integer" and low is not None and high is not None:
        return _("entier de %(low)s à %(high)s", low=low, high=high)
    if kind == "integer" and low is not None:
        return _("entier, au moins %(low)s", low=low)
    return {
        "integer": _("entier"),
        "number": _("nombre"),
        "boolean": _("booléen (true ou false)"),
        "date-time": _("date et heure ISO 8601"),
        "date": _("date ISO 8601"),
    }.get(schema.get("format") or kind, _("chaîne de caractères"))


def plural_of(items: dict) -> str:
    return {"integer": _("entiers"), "number": _("nombres")}.get(
        items.get("type"), _("chaînes de caractères"))
