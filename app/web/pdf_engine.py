"""WeasyPrint's side of a PDF: an HTML string in, a PDF out, reading only static files.

The one module that imports WeasyPrint (some 40 MB): the app imports it when it renders a
PDF, never at start. Render processes run `render_part` on plain strings, with no app, request
or database connection of their own.
"""

import gc
import logging
import mimetypes
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)
# 72 PDF points per inch / 96 CSS pixels per inch.
POINTS_PER_PIXEL = 0.75


class RefusedURL(ValueError):
    """A resource the PDF engine may not fetch (WeasyPrint leaves it out and goes on)."""


class StaticOnlyFetcher(URLFetcher):
    """Serve data: URIs and files under one folder; refuse everything else.

    A directory prints what contributors wrote: nothing in it may make the server fetch a
    remote address (server-side request forgery) or read a file outside its static folder.
    """

    def __init__(self, root: str | Path):
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self.root = Path(root).resolve()

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file:"):
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
        log.warning("PDF resource refused: %.200s", url)
        raise RefusedURL(url)


@dataclass(frozen=True)
class Bookmark:
    """A heading of a rendered part, as the PDF's outline points to it."""

    level: int  # the heading's level (h1 is 1)
    label: str
    page: int  # within its part, from 0
    left: float  # PDF points from the page's bottom-left corner
    top: float
    is_open: bool


@dataclass(frozen=True)
class RenderedPart:
    """The PDF of one part of a document, its page count and its headings."""

    pdf: bytes
    pages: int
    bookmarks: list[Bookmark]


def document(html: str, static: str):
    """WeasyPrint's document of a page whose relative links point into the static folder."""
    root = Path(static)
    return HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=StaticOnlyFetcher(root))


def render(html: str, static: str) -> bytes:
    """The PDF of a whole page."""
    with collector_paused():
        return document(html, static).write_pdf()


def render_part(html: str, static: str) -> RenderedPart:
    """The PDF of one part, with what merging it needs: its pages and headings."""
    with collector_paused():
        laid_out = document(html, static).render()
        return RenderedPart(laid_out.write_pdf(), len(laid_out.pages),
                            bookmarks_of(laid_out.pages))


def bookmarks_of(pages) -> list[Bookmark]:
    """The headings of laid-out pages, placed as WeasyPrint places its outline's targets."""
    return [Bookmark(level, label, number, x * POINTS_PER_PIXEL,
                     (page.height - y) * POINTS_PER_PIXEL, state != "closed")
            for number, page in enumerate(pages)
            for level, label, (x, y), state in page.bookmarks]


@contextmanager
def collector_paused():
    """Pause the cyclic garbage collector while the engine works.

    The engine makes hundreds of thousands of boxes and styles: the collector would walk them
    over and over (a fifth of the time). Refcounting frees most of them; the cycles among
    them are collected once the work is done, so that the next part laid out in this process
    reuses their memory instead of growing it (four parts of 150 entries: 341 to 310 MB).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            gc.collect()


def ready() -> bool:
    """Nothing: a render process runs it first, to import the engine before its part comes."""
    return True
