"""Atom feeds of the lists: the initiatives last published or changed under the same filters."""

import html
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import Response
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.caching.responses import conditional
from app.extensions import db
from app.filters import Filters
from app.geo.gazetteer import GazetteerMissing
from app.geo.spatial import select_initiatives
from app.geo.territory import current_gazetteer, territory_name
from app.initiatives.dossiers import dossier_title
from app.initiatives.fingerprints import Fingerprint, fingerprint, newest_change
from app.initiatives.licence import DATA_LICENCE
from app.initiatives.plain_text import without_html
from app.models import Actor, Initiative, Theme
from app.web.labels import (
    ACTOR_TYPE_LABELS,
    FRESHNESS_LABELS,
    KIND_LABELS,
    LIFE_LABELS,
    SCOPE_LABELS,
    STATUS_FILTER_LABELS,
)
from app.web.markdown import render_markdown
from app.web.urls import absolute_url, page_url

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator

ATOM = "application/atom+xml"
# The language of a feed whose URL names none (app.select_locale's fallback).
DEFAULT_LANGUAGE = "fr"
# Enough for a reader polling daily; the newest first, as the list sorted by update.
FEED_ENTRIES = 50
# Feed readers poll often: five minutes in caches, then a 304 costs two small queries.
FEED_MAX_AGE = 300
SUMMARY_CHARACTERS = 500
# What XML 1.0 cannot carry, even escaped: a description may hold a stray control character.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
SPACES = re.compile(r"\s+")
# The feed of an empty list still needs an <updated>.
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def newest(filters: Filters) -> sa.Select:
    """The initiatives matching the filters, last published or changed first."""
    return (select_initiatives(filters).order_by(None)
            .order_by(Initiative.updated_at.desc(), Initiative.id.desc()).limit(FEED_ENTRIES))


def feed_response(filters: Filters, query: str) -> Response:
    """The Atom feed of these filters (query: their clean query string), 304 when current."""
    stmt = newest(filters)
    locale = str(get_locale())
    # Its Last-Modified from its 50 entries (an index read, the newest first), not from
    # every matching row: feed readers send If-Modified-Since.
    fp = Fingerprint(fingerprint(stmt, f"feed{query}|{locale}").etag, newest_change(stmt))
    response = conditional(fp, lambda: Response(feed_xml(filters, query, stmt, fp.last_modified),
                                                mimetype=ATOM), max_age=FEED_MAX_AGE)
    response.vary.update(("Accept-Language", "Cookie"))  # the language of titles and labels
    return response


def feed_xml(filters: Filters, query: str, stmt: sa.Select, updated: datetime | None) -> bytes:
    """The feed document: its id and self link are its own URL on PUBLIC_URL."""
    from feedgen.feed import FeedGenerator  # with lxml, 10 MB: only in a process serving feeds

    feed = FeedGenerator()
    own_url = absolute_url("public.feed") + query
    feed.id(own_url)
    feed.title(feed_title(filters))
    feed.subtitle(_("Les initiatives publiées ou modifiées en dernier sur Maillage."))
    feed.link(href=own_url, rel="self", type=ATOM)
    feed.link(href=absolute_url("public.initiatives") + query, rel="alternate",
              type="text/html")
    feed.author(name="Maillage", uri=absolute_url("public.index"))
    feed.rights(f"{DATA_LICENCE['name']} ({DATA_LICENCE['url']})")
    feed.language(str(get_locale()))
    feed.updated(aware(updated) if updated else EPOCH)
    feed.generator("Maillage", uri=absolute_url("public.about"))
    initiatives = db.session.scalars(stmt.options(selectinload(Initiative.themes)))
    for initiative in initiatives:
        add_entry(feed, initiative)
    return feed.atom_str()


def add_entry(feed: "FeedGenerator", initiative: Initiative) -> None:
    """One initiative: its public fields only, its page's canonical URL as link."""
    locale = str(get_locale())
    entry = feed.add_entry(order="append")
    # The id alone never changes, where the page's slug follows the name.
    entry.id(absolute_url("public.initiative", initiative_id=initiative.id))
    entry.title(xml_text(initiative.name))
    entry.link(href=page_url(initiative, _external=True), rel="alternate", type="text/html")
    entry.updated(aware(initiative.updated_at))
    if initiative.published_at:
        entry.published(aware(initiative.published_at))
    if summary := entry_summary(initiative):
        entry.summary(summary)
    for theme in initiative.themes:
        entry.category(term=theme.slug, label=theme.label(locale),
                       scheme=absolute_url("api.themes"))
    if initiative.actor_name:
        entry.author(name=xml_text(initiative.actor_name))


def entry_summary(initiative: Initiative) -> str:
    """Plain text: the summary, else the start of the description as rendered, tags dropped."""
    # The rendered description's entities are unescaped once its tags are gone.
    text = initiative.summary or html.unescape(
        without_html(str(render_markdown(initiative.description))))
    text = SPACES.sub(" ", xml_text(without_html(text))).strip()
    if len(text) <= SUMMARY_CHARACTERS:
        return text
    return text[:SUMMARY_CHARACTERS].rsplit(" ", 1)[0] + "…"


def xml_text(text: str) -> str:
    return NOT_XML.sub("", text)


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def feed_title(filters: Filters) -> str:
    """Say what the feed follows: "Maillage — initiatives à Cluny — Alimentation"."""
    parts = [place_title(filters)]
    if filters.themes:
        parts.append(", ".join(theme_labels(filters.themes)))
    parts.extend(", ".join(str(labels[code]) for code in codes) for labels, codes in (
        (KIND_LABELS, filters.kinds), (ACTOR_TYPE_LABELS, filters.actor_types),
        (LIFE_LABELS, filters.life), (SCOPE_LABELS, filters.scopes)) if codes)
    if filters.actor and (actor := db.session.get(Actor, filters.actor)):
        parts.append(actor.name)
    if filters.q:
        parts.append(f"« {filters.q} »")
    if filters.bbox:
        parts.append(_("zone de la carte"))
    if filters.research:
        parts.append(_("ouvertes à un partenariat de recherche"))
    if filters.phone:
        parts.append(_("avec un contact téléphonique"))
    if filters.dossier:
        parts.append(_("dossier « %(title)s »", title=dossier_title(filters.dossier)))
    if filters.freshness:
        parts.append(str(FRESHNESS_LABELS[filters.freshness]))
    if filters.status != "active":
        parts.append(str(STATUS_FILTER_LABELS[filters.status]))
    return xml_text(" — ".join(parts))


def place_title(filters: Filters) -> str:
    """The feed's title for its narrowest territory, or for all of France."""
    if filters.commune:
        name = commune_name(filters.commune)
        # "au Havre", "aux Mureaux": French contracts "à" with the article of a name.
        if name.startswith("Le "):
            return _("Maillage — initiatives au %(name)s", name=name[3:])
        if name.startswith("Les "):
            return _("Maillage — initiatives aux %(name)s", name=name[4:])
        return _("Maillage — initiatives à %(name)s", name=name)
    for level, code in (("epci", filters.epci), ("departement", filters.departement),
                        ("region", filters.region)):
        if code:
            name = epci_name(code) if level == "epci" else territory_name(level, code)
            return _("Maillage — initiatives : %(name)s", name=name)
    return _("Maillage — initiatives")


def commune_name(insee: str) -> str:
    try:
        commune = current_gazetteer().get(insee)
    except GazetteerMissing:
        commune = None
    return commune.name if commune else insee


def epci_name(siren: str) -> str:
    try:
        epci = current_gazetteer().epci(siren)
    except GazetteerMissing:
        epci = None
    return epci["name"] if epci else siren


def theme_labels(slugs: tuple[str, ...]) -> list[str]:
    """The themes' labels in the request's language, in the filter's order (unknown: slug)."""
    locale = str(get_locale())
    found = {theme.slug: theme.label(locale)
             for theme in db.session.scalars(sa.select(Theme).where(Theme.slug.in_(slugs)))}
    return [found.get(slug, slug) for slug in slugs]
