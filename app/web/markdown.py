"""Markdown descriptions rendered to HTML that is safe to show."""

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from app.initiatives.fields import MAX_LENGTHS

# Raw HTML in the Markdown is shown as text; nh3 then keeps only these tags and link schemes.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")
ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre",
                "h3", "h4", "h5", "h6", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
# The size budget of a rendering. The parser's cost grows with the length times the number of
# `[` (each may open a link label it then scans for): 400,000 `[` took 11 s (issue 13).
# Within these bounds the worst case takes a few hundredths of a second; a normal description
# (a few dozen links) is far below them.
MAX_CHARS = MAX_LENGTHS["description"]
MAX_LINK_BRACKETS = 500


def demote_headings(html: str) -> str:
    """Make the description's headings start at level 3, under the page's own h1 and h2."""
    for level in (6, 5, 4, 3, 2, 1):
        target = min(level + 2, 6)
        html = html.replace(f"<h{level}>", f"<h{target}>").replace(f"</h{level}>", f"</h{target}>")
    return html


def render_markdown(text: str | None) -> Markup:
    """Render Markdown to sanitised HTML (http, https and mailto links only).

    A text over the size budget is shown as typed, in paragraphs, without Markdown.
    """
    if not text:
        return Markup("")
    if not within_budget(text):
        return plain_paragraphs(text)
    return rendered(text)


def within_budget(text: str) -> bool:
    """Whether rendering the text stays within the size budget (counted in linear time)."""
    return len(text) <= MAX_CHARS and text.count("[") <= MAX_LINK_BRACKETS


def plain_paragraphs(text: str) -> Markup:
    """The text escaped, its blank lines as paragraph breaks: no parser involved."""
    return Markup("").join(Markup("<p>{}</p>").format(part.strip())
                           for part in text.replace("\r\n", "\n").split("\n\n")
                           if part.strip())


# The same description is shown again and again: render it once per worker (bounded).
@lru_cache(maxsize=2048)
def rendered(text: str) -> Markup:
    html = demote_headings(_markdown.render(text))
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(cleaned)  # noqa: S704 - sanitised by nh3 just above
