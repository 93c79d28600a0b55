"""PDFs from HTML with WeasyPrint, which may read the app's static files and nothing else;
QR codes as images to embed in them."""

import gc
import logging
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import segno
from flask import current_app
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)
PDF = "application/pdf"
# A module is 1 px in the PNG, scaled by CSS without smoothing (image-rendering: pixelated):
# the printer and the reader get sharp edges, the engine a tiny image to decode and embed.
QR_SCALE = 1
QR_MASK = 2


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


def render_pdf(html: str) -> bytes:
    """The PDF of a page whose relative links point into the app's static folder."""
    static = Path(current_app.static_folder)
    document = HTML(string=html, base_url=static.as_uri() + "/",
                    url_fetcher=StaticOnlyFetcher(static))
    # The engine makes hundreds of thousands of boxes and styles: the cyclic collector would
    # walk them over and over (a fifth of the time). Refcounting frees them all the same.
    gc.disable()
    try:
        return document.write_pdf()
    finally:
        gc.enable()


def qr_data_uri(url: str) -> str:
    """A QR code of the URL, as a PNG data: URI (medium error correction for worn paper).

    One fixed mask: choosing the best of eight took two thirds of a directory's QR time,
    for a code that every reader decodes with any mask.
    """
    code = segno.make(url, error="m", micro=False, mask=QR_MASK)
    return code.png_data_uri(scale=QR_SCALE, border=2)
