"""The rules of an initiative's sources, whatever the channel, and their rows."""

from datetime import date
from typing import Any

from app.initiatives.fields import LINE_BREAKS, check_web_url
from app.models import Initiative, InitiativeSource
from app.models.source import SourceColumns
from app.text import N_

MAX_SOURCES = 20
SOURCE_LENGTHS = {"title": 300, "url": 500, "quote": 2_000, "locator": 200}
SINGLE_LINE = ("title", "url", "locator")


def clean_sources(value: Any) -> list[dict[str, Any]]:
    """The sources given, in order, each checked; blank ones dropped; raise ValueError."""
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple):
        raise ValueError(N_("Liste de sources attendue."))
    sources = [source for source in (clean_source(index, item)
                                     for index, item in enumerate(value, start=1)) if source]
    if len(sources) > MAX_SOURCES:
        raise ValueError(N_("%(max)d sources au plus (%(count)d reçues).", max=MAX_SOURCES,
                            count=len(sources)))
    return sources


def clean_source(index: int, item: Any) -> dict[str, Any] | None:
    """One source as stored, None when all its fields are blank; raise ValueError."""
    if not isinstance(item, dict):
        raise ValueError(N_("Source %(index)d : titre, adresse, date, citation, emplacement "
                            "attendus.", index=index))
    # Lengths first: a text refused anyway is never cleaned further (nor ever rendered).
    texts = {key: text_of(index, key, item.get(key)) for key in SOURCE_LENGTHS}
    published_on = date_of(index, item.get("published_on"))
    if not any(texts.values()) and published_on is None:
        return None
    if not texts["title"]:
        raise ValueError(N_("Source %(index)d : le titre est obligatoire.", index=index))
    if texts["url"]:
        check_url(index, texts["url"])
    return {"title": texts["title"], "url": texts["url"] or None,
            "published_on": published_on, "quote": texts["quote"] or None,
            "locator": texts["locator"] or None}


def text_of(index: int, key: str, value: Any) -> str:
    text = "" if value is None else str(value)
    if len(text) > SOURCE_LENGTHS[key] * 2 or "\x00" in text:
        raise ValueError(N_("Source %(index)d : %(max)d caractères au plus.", index=index,
                            max=SOURCE_LENGTHS[key]))
    text = (LINE_BREAKS.sub(" ", text) if key in SINGLE_LINE else text).strip()
    if len(text) > SOURCE_LENGTHS[key]:
        raise ValueError(N_("Source %(index)d : %(max)d caractères au plus (%(count)d reçus).",
                            index=index, max=SOURCE_LENGTHS[key], count=len(text)))
    return text


def date_of(index: int, value: Any) -> str | None:
    """A date as ISO 8601 text (JSON-ready, as history stores it)."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()[:10]).isoformat()
    except ValueError:
        raise ValueError(N_("Source %(index)d : date attendue au format AAAA-MM-JJ.",
                            index=index)) from None


def check_url(index: int, url: str) -> None:
    try:
        check_web_url(url)
    except ValueError:
        raise ValueError(N_("Source %(index)d : adresse web invalide, elle doit commencer par "
                            "http:// ou https://.", index=index)) from None


def source_rows(sources: list[dict[str, Any]],
                model: type[SourceColumns] = InitiativeSource) -> list[Any]:
    """Rows for clean sources, in their order (an initiative's, or another model's)."""
    return [model(position=position, **{
        **source, "published_on": date.fromisoformat(source["published_on"])
        if source["published_on"] else None}) for position, source in enumerate(sources)]


def sources_of(initiative: Initiative) -> list[dict[str, Any]]:
    """An initiative's sources as clean values (the history's and the forms' shape)."""
    return [source.as_dict() for source in initiative.sources]
