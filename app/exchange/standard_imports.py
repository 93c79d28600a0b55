"""Files in the national standards, recognised by their columns and mapped without a step.

A médiation numérique CSV or a data·inclusion JSON list names its columns as its schema
does; those names are synonyms of our fields (app.exchange.mapping), so the guessed mapping
is the right one. What the format adds: the kind of entry its rows are, the category of a
digital-mediation place, and words of its vocabularies we have no code for, left aside
rather than refusing the row.
"""

from app.initiatives.place_vocabulary import VOCABULARIES, code_of

# The columns only a file of the standard has together.
SIGNATURES = {
    "mediation-num": {"pivot", "nom", "adresse", "code_postal", "date_maj"},
    "data-inclusion": {"id", "nom", "source", "date_maj"},
}
KINDS = {"mediation-num": "place", "data-inclusion": "place"}
THEMES = {"mediation-num": ["mediation-numerique"]}
STANDARD_FORMATS = tuple(SIGNATURES)


def standard_format(columns) -> str | None:
    """The standard a table's columns follow, None for any other table."""
    present = set(columns)
    return next((name for name, needed in SIGNATURES.items() if needed <= present), None)


def is_data_inclusion(document) -> bool:
    """A JSON list of data·inclusion structures or services (not GeoJSON features)."""
    return (isinstance(document, list) and bool(document)
            and all(isinstance(item, dict) and "type" not in item for item in document[:50])
            and standard_format(document[0]) == "data-inclusion")


def adjust_mapping(source_format: str, mapping: dict[str, str]) -> dict[str, str]:
    """data·inclusion's thématiques are services, not our categories."""
    if source_format == "data-inclusion" and mapping.get("themes") == "thematiques":
        mapping["services"] = mapping.pop("themes")
    return mapping


def known_words(field: str, value) -> list[str]:
    """The items of a standard's list our vocabulary knows (the rest has no code here)."""
    items = value if isinstance(value, list) else str(value).split("|")
    return [str(item) for item in items if code_of(field, str(item).strip())]


__all__ = ["KINDS", "STANDARD_FORMATS", "THEMES", "VOCABULARIES", "adjust_mapping",
           "is_data_inclusion", "known_words", "standard_format"]
