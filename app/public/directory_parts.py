"""A printed directory cut into runs of pages of about equal work, one per process.

The first part holds the cover and the map and is rendered by the request's own process; each
other one by a process started for it, which first spends a while importing the engine. Cuts
fall between categories, each of which starts a page anyway, so the pages are those of a
directory printed whole; a category far longer than the others is cut between two entries,
its next part opening on a new page under its name followed by "(suite)".
"""

from dataclasses import dataclass, replace

from app.public.directory import Directory, Section

# Rough costs in entries' worth of rendering time (an entry is about 15 ms of one CPU),
# measured on 500 entries: the cover and the map (whose hundreds of numbered points take about
# a second to lay out and draw); what a render process spends starting (Python, the app's
# package and the engine: about a second) beyond what this one spends meanwhile getting the
# parts ready (importing the engine too, building the entries' QR codes and HTML).
COVER_COST = 70
START_COST = 10
# The fewest entries worth a process: fewer would cost more CPU to start than they save.
MIN_PART_ENTRIES = 100
# About the most entries a process lays out at once: the engine holds a part's boxes until
# it is drawn, so 500 entries whole took a worker to 418-452 MB, in parts of 150 to 310 MB,
# of 100 to 282 MB. A busy machine renders the parts one after the other in the worker.
MAX_PART_ENTRIES = 100
# How far (in entries) a cut may move to fall between two categories, as a share of a part.
SNAP_SHARE = 0.1


@dataclass(frozen=True)
class Part:
    """A run of a directory printed on its own: the cover and map or not, its sections."""

    cover: bool
    sections: list[Section]


def part_count(entries: int, processes: int) -> int:
    """How many parts a directory of so many entries is worth: one per process when it is
    long enough, and as many more as keep each part within MAX_PART_ENTRIES."""
    worth = max(1, min(processes, (entries + COVER_COST) // MIN_PART_ENTRIES))
    return max(worth, -(-entries // MAX_PART_ENTRIES))


def whole(directory: Directory) -> Part:
    """The directory as one part."""
    return Part(True, directory.sections)


def directory_parts(directory: Directory, count: int) -> list[Part]:
    """The directory in `count` parts (fewer when it has too few entries to cut)."""
    entries = directory.count
    cuts = [snapped(cut, boundaries(directory.sections), share)
            for cut, share in ideal_cuts(entries, count)]
    cuts = sorted({cut for cut in cuts if 0 < cut < entries})
    return cut_sections(directory.sections, cuts) if cuts else [whole(directory)]


def ideal_cuts(entries: int, count: int) -> list[tuple[int, int]]:
    """Where `count` parts should end (in entries) to take equal time, each with the number
    of entries a part holds: the first carries the cover, the others their start."""
    share = (entries + COVER_COST + (count - 1) * START_COST) / count
    first = share - COVER_COST
    return [(round(first + index * (share - START_COST)), round(share))
            for index in range(count - 1)]


def boundaries(sections: list[Section]) -> list[int]:
    """The entry counts at which one category ends and the next begins."""
    ends, total = [], 0
    for section in sections[:-1]:
        total += len(section.entries)
        ends.append(total)
    return ends


def snapped(cut: int, ends: list[int], share: int) -> int:
    """The nearest end of a category when it is close enough, else the cut itself."""
    nearest = min(ends, key=lambda end: abs(end - cut), default=None)
    if nearest is not None and abs(nearest - cut) <= SNAP_SHARE * share:
        return nearest
    return cut


def cut_sections(sections: list[Section], cuts: list[int]) -> list[Part]:
    """The sections cut after the given numbers of entries (a section cut across goes on as
    a continued section in the next part)."""
    parts, current, done = [], [], 0
    pending = list(cuts)
    for section in sections:
        while pending and done < pending[0] < done + len(section.entries):
            split = pending.pop(0) - done
            parts.append([*current, replace(section, entries=section.entries[:split])])
            current = []
            section = replace(section, entries=section.entries[split:], continued=True)
            done += split
        current.append(section)
        done += len(section.entries)
        if pending and done == pending[0]:
            pending.pop(0)
            parts.append(current)
            current = []
    parts.append(current)
    return [Part(index == 0, part) for index, part in enumerate(parts)]
