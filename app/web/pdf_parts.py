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


class Later:
    """A call made here when its result is asked: without render processes, each part is
    rendered after the one before, and only one is laid out in memory at a time."""

    def __init__(self, function: Callable, *args):
        self.function, self.args = function, args

    def result(self):
        return self.function(*self.args)


class PartRenderer:
    """Processes rendering all parts of one PDF but the first (as many as `processes` allows,
    this one included; none on a busy machine, where this one renders them all), started on
    entering: they import the engine while the caller gets the parts ready. A context
    manager."""

    def __init__(self, parts: int, static: str, processes: int):
        self.static = static
        self.helpers = max(0, min(parts, processes) - 1)
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "PartRenderer":
        if self.helpers:
            context = multiprocessing.get_context(START_METHOD)
            self.pool = ProcessPoolExecutor(self.helpers, mp_context=context)
            for _ in range(self.helpers):
                self.pool.submit(load_engine)
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, function: Callable, *args) -> Future | Later:
        """The call, made by a render process, else here when its result is asked."""
        return self.pool.submit(function, *args) if self.pool else Later(function, *args)

    def render(self, pages: list[str], footers: Callable[[int], str]) -> bytes:
        """The PDF of the pages rendered apart and put end to end; `footers(total)` is the
        HTML of `total` pages holding only their footers, stamped over them.

        This process takes the first part and every (helpers + 1)th after it, rendering its
        next one while the render processes do theirs; they are given the others at once.
        """
        from app.web.pdf_engine import render, render_part

        later = [Later(render_part, html, self.static) if index % (self.helpers + 1) == 0
                 else self.submit(render_part, html, self.static)
                 for index, html in enumerate(pages)]
        rendered = [part.result() for part in later]
        total = sum(part.pages for part in rendered)
        return merged(rendered, self.submit(render, footers(total), self.static))


def load_engine() -> None:
    """Import the engine: what a render process does first, while its part is made ready.
    (This process imports it only once they have started, to render its own part.)"""
    import app.web.pdf_engine  # noqa: F401


def merged(parts: list["RenderedPart"], footers: Future | Later) -> bytes:
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
