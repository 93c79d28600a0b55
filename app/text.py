"""Text folding shared by search, duplicates and the gazetteer."""

import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str | None) -> str:
    """Lowercase, strip accents and turn punctuation into single spaces ("L'Haÿ" → "l hay")."""
    if not text:
        return ""
    if text.isascii():  # most names: nothing to decompose (the API slugs 100,000 a page)
        return _NOT_WORD.sub(" ", text.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "oe"))
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NOT_WORD.sub(" ", ascii_only).strip()
