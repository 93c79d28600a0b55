"""Scenario: a printed directory (PDF) of 500 entries, cold then kept.

The entries are the 500 westernmost initiatives (a `bbox` filter on the list's directory,
`/initiatives/annuaire.pdf`), fewer when the scale has fewer. The generator gives them no
phone, street address nor opening hours: the scenario fills those in for its run (every entry
a phone and an address, every other one its hours, as places from the national schemas have),
so that each block prints in full, then empties them again. Cold is the first fetch (no page
file for this version yet: the server renders it with WeasyPrint), once in the standard
layout and once in large print; kept is the next fetch, sent from the page file.
Floors: a directory of a single entry, cold (what any PDF costs: the engine, the cover, the
map), for time; the idle worker's resident memory, for memory. Target (issue 18): under 10 s
for 500 entries. Each cold fetch is also given in CPU seconds of the server's workers and
their child processes: the wall time grows with the machine's load, the CPU time much less.
A long directory is rendered in parts by the worker and render processes it spawns (children
of the worker, so counted in both figures); their memory is given apart from the worker's peak:
the highest sum of the resident memory of a worker and its children at one moment, sampled
every 50 ms (a render process exits before the fetch ends, taking its own peak with it).
"""

import os
import threading
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

from benchmarks.client import get
from benchmarks.context import Context
from benchmarks.figures import Target
from benchmarks.server import PeakMemory, child_pids, status_kb

NAME = "printed directory"
PATH = "/initiatives/annuaire.pdf"
ENTRIES = 500
# A bbox edge a hair beyond the last point kept, so it is inside whatever the rounding.
EPSILON = 1e-7
DETAILS = {"phone": "+33385591234", "street_address": "12 rue de la République",
           "postcode": "71250"}
HOURS = "Mo-Fr 09:00-12:00,14:00-18:00; Sa 10:00-12:00"
SAMPLE_SECONDS = 0.05


def west_bbox(ctx: Context, count: int) -> tuple[str, int]:
    """The bbox of the `count` westernmost published initiatives, and how many it holds."""
    from app.extensions import db
    from app.models import Initiative

    with ctx.app.app_context():
        lons = db.session.scalars(sa.select(Initiative.lon).where(
            Initiative.status == "published", Initiative.lon.is_not(None))
            .order_by(Initiative.lon).limit(count)).all()
    if not lons:
        return "", 0
    return f"-180,-90,{lons[-1] + EPSILON},90", len(lons)


def fill_details(ctx: Context, bbox: str, full: bool) -> None:
    """Give the printed entries a phone, an address and (every other one) opening hours;
    or take them away again (`full` false), leaving the data as generated."""
    from app.database import write_transaction
    from app.extensions import db
    from app.models import Initiative

    west, _south, east, _north = (float(part) for part in bbox.split(","))
    inside = sa.and_(Initiative.lon >= west, Initiative.lon <= east)
    filled = DETAILS if full else dict.fromkeys(DETAILS)
    with ctx.app.app_context(), write_transaction():
        db.session.execute(sa.update(Initiative).where(inside).values(filled))
        db.session.execute(sa.update(Initiative).where(inside, Initiative.id % 2 == 0)
                           .values(opening_hours=HOURS if full else None))


def timed(ctx: Context, query: dict) -> tuple[float | None, str]:
    """Seconds to fetch a directory, and what went wrong if it did."""
    answer = get(ctx.base_url, f"{PATH}?{urlencode(query)}")
    if answer.status != 200 or not answer.body.startswith(b"%PDF"):
        return None, f"answered {answer.status}: {answer.body[:120]!r}"
    return answer.seconds, ""


def cpu_timed(ctx: Context, query: dict) -> tuple[float | None, float, str]:
    """Seconds to fetch a directory, the server's CPU seconds for it, and what went wrong."""
    before = server_cpu(ctx)
    seconds, problem = timed(ctx, query)
    return seconds, server_cpu(ctx) - before, problem


def server_cpu(ctx: Context) -> float:
    """CPU seconds used so far by the server's workers and every process under them."""
    ticks = 0
    for worker in ctx.server.worker_pids():
        for pid in process_tree(worker):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def process_tree(root: int) -> list[int]:
    """A process and every process under it."""
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending += child_pids(pid)
    return found


class TreeMemory:
    """The highest resident memory of one worker and its child processes together, sampled
    while the block runs, in MB (shared library pages counted once per process)."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.peak_mb: float | None = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)

    def __enter__(self) -> "TreeMemory":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()
        self.thread.join()

    def sample(self) -> None:
        while not self.done.wait(SAMPLE_SECONDS):
            for worker in self.ctx.server.worker_pids():
                kb = sum(status_kb(pid, "VmRSS") or 0 for pid in process_tree(worker))
                self.peak_mb = max(self.peak_mb or 0, kb / 1024)


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def measure(ctx: Context) -> None:
    if not ctx.available(NAME, f"{PATH}?bbox=0,0,0,0"):
        return
    bbox, count = west_bbox(ctx, ENTRIES)
    one_bbox, _one = west_bbox(ctx, 1)
    if not count:
        ctx.missing(NAME, "no published initiative to print")
        return
    fill_details(ctx, bbox, full=True)
    try:
        floor, floor_cpu, problem = cpu_timed(ctx, {"bbox": one_bbox})
        with PeakMemory(ctx.server) as memory, TreeMemory(ctx) as together:
            cold, cold_cpu, problem = (cpu_timed(ctx, {"bbox": bbox}) if not problem
                                       else (None, None, problem))
            large, _ = timed(ctx, {"bbox": bbox, "gros": "1"})
        kept, _ = timed(ctx, {"bbox": bbox})
    finally:
        fill_details(ctx, bbox, full=False)
    note = (f"{count} entries (the westernmost, each with a phone and an address, every other "
            f"one with opening hours), A4; " + (problem or "no error"))
    target = Target("value", 10_000, text="< 10 s for 500 entries")
    ctx.add(NAME, f"{count} entries, cold", ms(cold), "ms", floor=ms(floor),
            floor_label="directory of one entry, cold", target=target, note=note)
    ctx.add(NAME, f"{count} entries, cold: server CPU time", ms(cold_cpu), "ms",
            floor=ms(floor_cpu), floor_label="directory of one entry, cold: CPU time",
            note=note)
    ctx.add(NAME, f"{count} entries, large print, cold", ms(large), "ms", floor=ms(floor),
            floor_label="directory of one entry, cold", target=target, note=note)
    ctx.add(NAME, f"{count} entries, kept (page file)", ms(kept), "ms", floor=ms(floor),
            floor_label="directory of one entry, cold", note=note)
    ctx.add(NAME, f"{count} entries: worker peak memory", memory.peak_mb, "MB",
            floor=ctx.shared.get("idle"), floor_label="idle worker after start", note=note)
    ctx.add(NAME, f"{count} entries: worker and its render processes, peak memory together",
            together.peak_mb, "MB", floor=ctx.shared.get("idle"),
            floor_label="idle worker after start", note=note)
    ctx.memory(NAME, f"{count}-entry PDFs", memory.peak_mb, memory.reset)
