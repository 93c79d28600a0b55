"""uMap's light markup ([[url|text]] links, {{image}}) to and from the Markdown we store."""

import re

LINK = re.compile(r"(!?)\[([^\]\n|]*)\]\(\s*<?(https?://[^)\s>|]+)>?(?:\s+\"[^\"]*\")?\s*\)")
AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
HTML_TAG = re.compile(r"</?[A-Za-z!][^<>]*>")
UMAP_LINK = re.compile(r"\[\[(https?://[^|\]\s]+)(?:\|([^\]]*))?\]\]")
UMAP_IMAGE = re.compile(r"\{\{\{?(https?://[^}\s|]+)(?:\|[^}]*)?\}?\}\}")


def markdown_to_umap(text: str | None) -> str:
    """Markdown as uMap's light markup: plain text, [[url|text]] links, {{image}}, no HTML."""
    if not text or ("](" not in text and "<" not in text):
        return text or ""
    if "](" in text:
        text = LINK.sub(_umap_link, text)
    if "<" in text:
        text = HTML_TAG.sub("", AUTOLINK.sub(r"\1", text))
    return text


def _umap_link(match: re.Match) -> str:
    image, label, url = match.groups()
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
