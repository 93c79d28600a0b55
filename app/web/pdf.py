"""PDFs from HTML, in one process or in parts on several; QR codes as images to embed.

The engine (WeasyPrint, `app.web.pdf_engine`) and the merging (pypdf, `app.web.pdf_parts`)
are imported when a PDF is rendered, not when the app starts: a worker or a `flask` command
that never prints one never loads them.
"""

import os

import segno
from flask import current_app

PDF = "application/pdf"
# A module is 1 px in the PNG, scaled by CSS without smoothing (image-rendering: pixelated):
# the printer and the reader get sharp edges, the engine a tiny image to decode and embed.
QR_SCALE = 1
QR_MASK = 2


def render_pdf(html: str) -> bytes:
    """The PDF of a page whose relative links point into the app's static folder."""
    from app.web.pdf_engine import render

    return render(html, current_app.static_folder)


def pdf_renderer(parts: int, processes: int):
    """Processes (at most `processes` in all, this one included) to render a PDF in `parts`
    parts, starting now (a context manager whose `render(pages, footers)` gives the PDF:
    `app.web.pdf_parts.PartRenderer`)."""
    from app.web.pdf_parts import PartRenderer

    return PartRenderer(parts, current_app.static_folder, processes)


def pdf_processes() -> int:
    """How many processes may render one PDF: PDF_PROCESSES, else one per idle CPU (the CPUs
    less the last minute's load average, at least one). On a busy machine more processes
    would only share the same CPUs, and a PDF in parts costs about a third more work."""
    configured = int(current_app.config.get("PDF_PROCESSES") or 0)
    if configured > 0:
        return configured
    cpus = os.cpu_count() or 1
    return max(1, min(cpus, round(cpus - os.getloadavg()[0])))


def qr_data_uri(url: str) -> str:
    """A QR code of the URL, as a PNG data: URI (medium error correction for worn paper).

    One fixed mask: choosing the best of eight took two thirds of a directory's QR time,
    for a code that every reader decodes with any mask.
    """
    code = segno.make(url, error="m", micro=False, mask=QR_MASK)
    return code.png_data_uri(scale=QR_SCALE, border=2)
