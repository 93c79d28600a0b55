"""Safe `next` redirects: only a path on this site, never another host."""

from urllib.parse import unquote, urlsplit

DEFAULT = "/"


def safe_next(target: str | None) -> str:
    """Return target when it is a local path, "/" otherwise.

    Refused: other hosts ("//evil.fr", "/\\evil.fr"), schemes ("https:evil.fr") and control
    or blank characters, which browsers drop ("/%09/evil.fr" becomes "//evil.fr").
    """
    if not target:
        return DEFAULT
    for candidate in (target, unquote(target)):
        if not is_local_path(candidate):
            return DEFAULT
    return target


def is_local_path(value: str) -> bool:
    """Tell whether value is an absolute path on this host, free of tricks."""
    if not value.startswith("/") or value.startswith(("//", "/\\")) or "\\" in value:
        return False
    if any(ord(char) < 0x21 or ord(char) == 0x7F for char in value):
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc
