"""Find what hostile input could have injected into a page: elements, handlers, links."""

import html
import json
import re
import unicodedata
from html.parser import HTMLParser

from tests.security.payloads import MARKER

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster",
                  "background", "srcset", "ping", "cite", "manifest"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
# Attributes whose value is shown or sent, never run: a payload may sit there as text.
INERT_ATTRIBUTES = {"value", "content", "title", "alt", "placeholder", "aria-label",
                    "aria-description", "label", "datetime"}
# Data may sit in a script as a string literal (|tojson); code from a payload may not.
JS_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')
CODE_TRACES = (MARKER, "alert(", "__xss")
JSON_SCRIPT_TYPES = {"application/ld+json", "application/json", "application/geo+json"}


def url_scheme(value: str) -> str:
    """The scheme a browser would see: controls and blanks dropped, fullwidth folded."""
    folded = unicodedata.normalize("NFKC", value)
    kept = "".join(char for char in folded if ord(char) > 0x20 and char != "\x7f")
    return kept.lower()


def is_url(attribute: str) -> bool:
    """Attributes holding a URL (data-* ones too: our scripts read links from them)."""
    return attribute in URL_ATTRIBUTES or attribute.startswith("data-")


class Inspector(HTMLParser):
    """Collect the traces of injection in an HTML document."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []
        self.script: dict | None = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            self.check_attribute(tag, name, value or "")
        if MARKER in tag:
            self.findings.append(f"element <{tag}> named by a payload")
        if tag == "script":
            self.script = {"attrs": dict(attrs), "text": ""}

    handle_startendtag = handle_starttag

    def check_attribute(self, tag: str, name: str, value: str) -> None:
        if name.startswith("on"):
            self.findings.append(f"<{tag} {name}={value[:60]!r}>: event handler")
        elif is_url(name) and url_scheme(value).startswith(DANGEROUS_SCHEMES):
            self.findings.append(f"<{tag} {name}={value[:60]!r}>: script link")
        elif MARKER in name or (MARKER in value and name not in INERT_ATTRIBUTES
                                and not is_url(name)):
            self.findings.append(f"<{tag} {name}={value[:60]!r}>: attribute from a payload")

    def handle_data(self, data):
        if self.script is not None:
            self.script["text"] += data

    def handle_endtag(self, tag):
        if tag == "script" and self.script is not None:
            self.check_script(self.script)
            self.script = None

    def check_script(self, script: dict) -> None:
        kind = (script["attrs"].get("type") or "").lower()
        if kind in JSON_SCRIPT_TYPES:
            try:
                json.loads(script["text"])
            except ValueError:
                self.findings.append(f"JSON script broken open: {script['text'][:80]!r}")
        else:
            code = JS_STRING.sub('""', script["text"])
            if any(trace in code for trace in CODE_TRACES):
                self.findings.append(f"payload running in a script: {script['text'][:80]!r}")


def injections(html: str) -> list[str]:
    """Every trace of injected markup or script in the document (empty when inert)."""
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.findings


def page_problems(response, *shown: str) -> list[str]:
    """Why a page is not inert: an error status, an injection, or stored text not shown."""
    path = response.request.path
    if response.status_code >= 500 or response.status_code not in (200, 400, 409):
        return [f"{path}: status {response.status_code}"]
    found = [f"{path}: {finding}" for finding in injections(response.text)]
    text = html.unescape(response.text)
    return found + [f"{path}: does not show {value[:40]!r}" for value in shown
                    if value not in text]
