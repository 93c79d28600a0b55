"""Text folding shared by search, duplicates and the gazetteer, and the messages of rules."""

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


class Message(str):
    """A rule's message in French, with its catalogue template and values for a translation.

    The rules (app.initiatives, app.geo) run without a request, for imports and the command
    line too: they give French text, and the web layer translates it into the page's language.
    """

    template: str
    values: dict

    def __new__(cls, template: str, **values) -> "Message":
        message = super().__new__(cls, template % values if values else template)
        message.template, message.values = template, values
        return message


def N_(template: str, **values) -> Message:  # noqa: N802 (the usual gettext marker's name)
    """Mark a rule's message for the catalogue (pybabel -k N_), translated where it is shown."""
    return Message(template, **values)


def message_of(error: Exception) -> str:
    """An error's message, a Message kept as such for its translation."""
    first = error.args[0] if error.args else ""
    return first if isinstance(first, Message) else str(error)
