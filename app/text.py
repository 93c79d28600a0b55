"""Text folding shared by search, duplicates and the gazetteer."""

import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def fold(text: str | None) -> str:
    """Lowercase, strip accents and turn punctuation into single spaces ("L'Haÿ" → "l hay")."""
    if not text:
        return ""
    if text.isascii():  # most names: nothing to decompose (an export slugs 100,000 of them)
        return _NOT_WORD.sub(" ", text.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "oe"))
    # Accents go, other letters (’, ß, ø) break words: only the non-ASCII characters are
    # looked at, not every character of the name.
    return _NOT_WORD.sub(" ", _NON_ASCII.sub(_accent_or_break, decomposed).lower()).strip()


def _accent_or_break(match: re.Match) -> str:
    return "" if unicodedata.combining(match.group()) else " "
