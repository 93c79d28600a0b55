"""Text without HTML, from a parser: what the API and the exports give as `description`."""

import html
import re

import nh3

# What makes an HTML tokenizer open a tag, a closing tag, a comment or a declaration.
TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")


def without_html(text: str) -> str:
    """The text of an HTML fragment: every tag and comment dropped, none left to rebuild.

    nh3 (html5ever) reads the fragment as a browser would and keeps only its text, so
    `<<b>img onerror=…>` cannot turn into a tag once `<b>` is gone (issue 13). Each `&` is
    escaped first, so entities and URLs come out as they were typed; a `<` the parser kept as
    text, that would open a tag in the result, is written `&lt;`.
    """
    if "<" not in text:
        return text
    cleaned = nh3.clean(text.replace("&", "&amp;"), tags=set(), clean_content_tags=set(),
                        strip_comments=True)
    return TAG_OPEN.sub("&lt;", html.unescape(cleaned))
