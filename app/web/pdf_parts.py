"""A long PDF rendered in parts at once, by this process and processes started for it, then
merged into one: its pages and links, one outline, the first part's metadata, and footers
numbered over the whole ("n / total") stamped on every page."""

import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from io import BytesIO
from typing import TYPE_CHECKING

from pypdf import PdfReader, PdfWriter
from pypdf.generic import Fit, NameObject

if TYPE_CHECKING:
    from app.web.pdf_engine import RenderedPart

# Spawned, not forked: a fork would copy the worker's database connections, locks and
# threads into the child; a spawned child starts clean and is given only strings. (A
# forkserver would start the next ones faster, but stays, engine loaded, beside each worker.)
START_METHOD = "spawn"


class PartRenderer:
    """Processes rendering all parts of one PDF but the first, started on entering: they
    import the engine while the caller gets the parts ready. A context manager."""

    def __init__(self, parts: int, static: str):
        self.parts, self.static = parts, static

    def __enter__(self) -> "PartRenderer":
        context = multiprocessing.get_context(START_METHOD)
        self.pool = ProcessPoolExecutor(self.parts - 1, mp_context=context)
        for _ in range(self.parts - 1):
            self.pool.submit(load_engine)
        return self

    def __exit__(self, *exc) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def render(self, pages: list[str], footers: Callable[[int], str]) -> bytes:
        """The PDF of the pages rendered apart, the first here, and put end to end;
        `footers(total)` is the HTML of `total` pages holding only their footers, stamped
        over them."""
        from app.web.pdf_engine import render, render_part

        later = [self.pool.submit(render_part, html, self.static) for html in pages[1:]]
        rendered = [render_part(pages[0], self.static), *(part.result() for part in later)]
        total = sum(part.pages for part in rendered)
        return merged(rendered, self.pool.submit(render, footers(total), self.static))


def load_engine() -> None:
    """Import the engine: what a render process does first, while its part is made ready.
    (This process imports it only once they have started, to render its own part.)"""
    import app.web.pdf_engine  # noqa: F401


def merged(parts: list["RenderedPart"], footers: Future) -> bytes:
    """One PDF of the parts, with the footers' pages (when they come) stamped over theirs."""
    writer = PdfWriter()
    readers = [PdfReader(BytesIO(part.pdf)) for part in parts]
    for reader in readers:
        writer.append(reader, import_outline=False)
    for page, footer in zip(writer.pages, PdfReader(BytesIO(footers.result())).pages,
                            strict=True):
        page.merge_page(footer)
        page.compress_content_streams()  # which merging left uncompressed
    add_outline(writer, parts)
    copy_metadata(writer, readers[0])
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def add_outline(writer: PdfWriter, parts: list["RenderedPart"]) -> None:
    """The outline the whole document would have: each heading under the last one before it
    of a higher level, whatever part either is in."""
    holders = []  # (level, outline item) of the headings that may hold the next one
    offset = 0
    for part in parts:
        for mark in part.bookmarks:
            while holders and holders[-1][0] >= mark.level:
                holders.pop()
            item = writer.add_outline_item(
                title=mark.label, page_number=offset + mark.page,
                parent=holders[-1][1] if holders else None,
                fit=Fit.xyz(mark.left, mark.top, 0), is_open=mark.is_open)
            holders.append((mark.level, item))
        offset += part.pages


def copy_metadata(writer: PdfWriter, first: PdfReader) -> None:
    """The title, author, dates and language the engine gave the first part."""
    writer.add_metadata(first.metadata or {})
    language = first.root_object.get("/Lang")
    if language is not None:
        writer.root_object[NameObject("/Lang")] = language
