"""The one slug and the one path of an initiative's public page (pages, redirect, API), and
absolute links to the site's pages."""

from flask import current_app, url_for

from app.text import fold

SLUG_LENGTH = 80
# The slug of a name without a letter or digit: the page's URL still has one.
EMPTY_SLUG = "initiative"


def slugify(text: str | None, fallback: str = "") -> str:
    """Folded words joined by hyphens, cut after a word within 80 characters; else fallback.

    "Cluny : la Maison" → "cluny-la-maison". Page URLs carry it: changing it moves them.
    """
    words = fold(text)
    if len(words) > SLUG_LENGTH:
        words = words[:SLUG_LENGTH].rsplit(" ", 1)[0]
    return words.replace(" ", "-") or fallback


def initiative_slug(name: str) -> str:
    """The slug of an initiative's page URL."""
    return slugify(name, EMPTY_SLUG)


def initiative_path(initiative_id: int, name: str) -> str:
    """The path of an initiative's public page, under the site's root."""
    return f"/initiatives/{initiative_id}-{initiative_slug(name)}"


def absolute_url(endpoint: str, **values) -> str:
    """An absolute link, on PUBLIC_URL when it is set: never on a Host header a client chose.

    E-mails, feeds and exports outlive the request; in development (no PUBLIC_URL) the
    request's host is the right one.
    """
    public_url = current_app.config.get("PUBLIC_URL")
    if not public_url:
        return url_for(endpoint, _external=True, **values)
    return public_url.rstrip("/") + url_for(endpoint, **values)
