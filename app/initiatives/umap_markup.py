"""uMap's light markup ([[url|text]] links, {{image}}) to and from the Markdown we store.

Links are found by left-to-right scanners in both directions, not by regular expressions:
backtracking patterns took quadratic time on a description of 20,000 `[` (issue 13) and on
an imported text of 20,000 unclosed `[[http://x|` (39 s).
"""

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from app.initiatives.plain_text import without_html

# No `<` inside: each attempt stops at the next `<`, so the search stays linear.
AUTOLINK = re.compile(r"<(https?://[^<>\s]+)>")
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
    if "{{" in text:
        text = UmapScanner(text, UMAP_IMAGE).converted()
    if "[[" in text:
        text = UmapScanner(text, UMAP_LINK).converted()
    return text


@dataclass(frozen=True)
class UmapMarkup:
    """One kind of uMap markup: `opener url (| label)? closer`, and its Markdown."""

    opener: str  # followed by an optional extra character, then http:// or https://
    extra: str
    url_ends: frozenset  # besides white space
    close: str  # the character a label stops at, which starts the closers
    closers: tuple[str, ...]  # longest first
    markdown: Callable[[str, str | None], str]


def markdown_link(url: str, label: str | None) -> str:
    return f"[{label}]({url})" if label and label.strip() else f"<{url}>"


UMAP_LINK = UmapMarkup("[[", "", frozenset("|]"), "]", ("]]",), markdown_link)
UMAP_IMAGE = UmapMarkup("{{", "{", frozenset("}|"), "}", ("}}}", "}}"),
                        lambda url, _label: f"![]({url})")


@dataclass
class UmapScanner:
    """Replace one kind of uMap markup by Markdown, left to right, in linear time.

    Same matches as the patterns `\\[\\[(https?://[^|\\]\\s]+)(?:\\|([^\\]]*))?\\]\\]` and
    `\\{\\{\\{?(https?://[^}\\s|]+)(?:\\|[^}]*)?\\}?\\}\\}` it replaced: every opener that
    fails shares the end of its URL and of its label with the others of the same run, so
    both are found once and remembered.
    """

    text: str
    markup: UmapMarkup
    url_span: tuple[int, int] = (0, 0)
    close_span: tuple[int, int] = (sys.maxsize, -1)  # (searched from, found at), last search
    steps: int = 0  # characters examined: the tests check that it grows linearly

    def converted(self) -> str:
        """The text with every piece of this markup replaced by its Markdown."""
        out, start = [], 0
        index = self.next_opener(0)
        while index != -1:
            match = self.markup_at(index)
            if match is None:
                index = self.next_opener(index + 1)
                continue
            end, url, label = match
            out += [self.text[start:index], self.markup.markdown(url, label)]
            start = end
            index = self.next_opener(end)
        out.append(self.text[start:])
        return "".join(out)

    def next_opener(self, position: int) -> int:
        found = self.text.find(self.markup.opener, position)
        self.steps += (found if found != -1 else len(self.text)) - position + 1
        return found

    def markup_at(self, index: int) -> tuple[int, str, str | None] | None:
        """(end, url, label) of the markup opening at index, None when there is none."""
        position = index + len(self.markup.opener)
        if self.markup.extra and self.text.startswith(self.markup.extra, position):
            position += 1
        scheme = 8 if self.text.startswith("https://", position) else 7
        if scheme == 7 and not self.text.startswith("http://", position):
            return None
        url_end = self.url_end(position + scheme)
        if url_end == position + scheme:
            return None
        url, label = self.text[position:url_end], None
        close = url_end
        if self.text.startswith("|", url_end):
            close = self.next_close(url_end + 1)
            if close == -1:
                return None
            label = self.text[url_end + 1:close]
        end = self.closer_end(close)
        return None if end is None else (end, url, label)

    def url_end(self, position: int) -> int:
        """The end of the URL characters from position (no white space, no url_ends)."""
        first, last = self.url_span
        if first <= position < last:
            return last
        start, ends = position, self.markup.url_ends
        while (position < len(self.text) and self.text[position] not in ends
               and not self.text[position].isspace()):
            position += 1
        self.steps += position - start
        self.url_span = (start, position)
        return position

    def next_close(self, position: int) -> int:
        """The index of the next closing character from position, -1 when there is none."""
        searched_from, found = self.close_span
        if searched_from <= position and (position <= found or found == -1):
            return found
        found = self.text.find(self.markup.close, position)
        self.steps += (found if found != -1 else len(self.text)) - position
        self.close_span = (position, found)
        return found

    def closer_end(self, position: int) -> int | None:
        """The end of the longest closer at position, None when there is none."""
        for closer in self.markup.closers:
            if self.text.startswith(closer, position):
                return position + len(closer)
        return None
