"""uMap's light markup ([[url|text]] links, {{image}}) to and from the Markdown we store.

Markdown links are found by a left-to-right scanner, not a regular expression: a
backtracking pattern took quadratic time on a description of 20,000 `[` (issue 13).
"""

import re
from dataclasses import dataclass, field

from app.initiatives.plain_text import without_html

# No `<` inside: each attempt stops at the next `<`, so the search stays linear.
AUTOLINK = re.compile(r"<(https?://[^<>\s]+)>")
UMAP_LINK = re.compile(r"\[\[(https?://[^|\]\s]+)(?:\|([^\]]*))?\]\]")
UMAP_IMAGE = re.compile(r"\{\{\{?(https?://[^}\s|]+)(?:\|[^}]*)?\}?\}\}")
LABEL_ENDS = frozenset("]\n|")
URL_ENDS = frozenset(")>|")


def markdown_to_umap(text: str | None) -> str:
    """Markdown as uMap's light markup: plain text, [[url|text]] links, {{image}}, no HTML."""
    if not text or ("](" not in text and "<" not in text):
        return text or ""
    if "](" in text:
        text = LinkScanner(text).converted()
    if "<" in text:
        text = without_html(AUTOLINK.sub(r"\1", text))
    return text


@dataclass
class LinkScanner:
    """Turn `[label](url "title")` and `![alt](url)` into uMap's [[url|label]] and {{url}}.

    Same matches as the pattern `(!?)\\[([^\\]\\n|]*)\\]\\(\\s*<?(https?://[^)\\s>|]+)>?
    (?:\\s+"[^"]*")?\\s*\\)` scanned left to right, in linear time: a failed `[` fails for
    every `[` up to its label's end (same end, same tail), and a URL's end is remembered
    for the next attempt starting inside it.
    """

    text: str
    url_span: tuple[int, int] = (0, 0)
    tails: dict = field(default_factory=dict)
    steps: int = 0  # characters examined: the tests check that it grows linearly

    def converted(self) -> str:
        """The text with every Markdown link and image replaced."""
        out, start, index = [], 0, self.next_bracket(0)
        while index != -1:
            match = self.link_at(index)
            if match is None:
                index = self.next_bracket(self.label_end(index))
                continue
            end, label, url = match
            image = index > start and self.text[index - 1] == "!"
            out.append(self.text[start:index - 1 if image else index])
            out.append(umap_link(image, label, url))
            start = end
            index = self.next_bracket(end)
        out.append(self.text[start:])
        return "".join(out)

    def next_bracket(self, position: int) -> int:
        """The index of the next `[` from position, -1 when there is none."""
        found = self.text.find("[", position)
        self.steps += (found if found != -1 else len(self.text)) - position
        return found

    def label_end(self, index: int) -> int:
        """The index of the first `]`, newline or `|` after the `[` at index (or the end)."""
        position = index + 1
        while position < len(self.text) and self.text[position] not in LABEL_ENDS:
            position += 1
        self.steps += position - index
        return position

    def link_at(self, index: int) -> tuple[int, str, str] | None:
        """(end, label, url) of the link whose `[` is at index, None when there is none."""
        close = self.label_end(index)
        if not self.text.startswith("](", close):
            return None
        position = self.spaces(close + 2)
        if self.text.startswith("<", position):
            position += 1
        if not self.text.startswith(("http://", "https://"), position):
            return None
        url_start = position
        position = self.url_end(position + (8 if self.text[position + 4] == "s" else 7))
        if position == url_start + (8 if self.text[url_start + 4] == "s" else 7):
            return None
        if position not in self.tails:  # every `[` inside one URL ends at the same place
            self.tails[position] = self.tail_end(position)
        end = self.tails[position]
        if end is None:
            return None
        return end, self.text[index + 1:close], self.text[url_start:position]

    def url_end(self, position: int) -> int:
        """The end of the URL characters from position (none of `)`, `>`, `|`, spaces)."""
        first, last = self.url_span
        if first <= position < last:
            return last
        start = position
        while (position < len(self.text) and self.text[position] not in URL_ENDS
               and not self.text[position].isspace()):
            position += 1
        self.steps += position - start
        self.url_span = (start, position)
        return position

    def spaces(self, position: int) -> int:
        """The index of the first non-space at or after position."""
        start = position
        while position < len(self.text) and self.text[position].isspace():
            position += 1
        self.steps += position - start
        return position

    def tail_end(self, position: int) -> int | None:
        """The end of `>? (spaces "title")? spaces )` from position, None when absent."""
        if self.text.startswith(">", position):
            position += 1
        after_title = self.title_end(position)
        for candidate in (after_title, position):
            if candidate is not None:
                closing = self.spaces(candidate)
                if self.text.startswith(")", closing):
                    return closing + 1
        return None

    def title_end(self, position: int) -> int | None:
        """The end of `spaces "title"` from position, None when absent."""
        quote = self.spaces(position)
        if quote == position or not self.text.startswith('"', quote):
            return None
        closing = self.text.find('"', quote + 1)
        self.steps += (closing if closing != -1 else len(self.text)) - quote
        return None if closing == -1 else closing + 1


def umap_link(image: bool, label: str, url: str) -> str:
    """A link or an image in uMap's markup."""
    if image:
        return f"{{{{{url}}}}}"
    return f"[[{url}|{label}]]" if label.strip() else f"[[{url}]]"


def umap_to_markdown(text: str | None) -> str:
    """uMap's light markup back to Markdown (the inverse of markdown_to_umap)."""
    if not text or ("[[" not in text and "{{" not in text):
        return text or ""
    text = UMAP_IMAGE.sub(r"![](\1)", text)
    return UMAP_LINK.sub(_markdown_link, text)


def _markdown_link(match: re.Match) -> str:
    url, label = match.groups()
    return f"[{label}]({url})" if label and label.strip() else f"<{url}>"
