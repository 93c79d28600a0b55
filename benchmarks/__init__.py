"""Speed and memory benchmarks of Maillage, each figure against a floor measured in the same run.

`make bench` (SIZE=10000) or `python -m benchmarks --size 10000`. SIZE is the largest scale:
the run measures every standard scale up to it (1,000 and 10,000 for the default; 1,000,
10,000 and 100,000 for SIZE=100000; and 1,000,000 for SIZE=1000000; a SIZE that is not a
standard scale is measured too), on SQLite (up to --sqlite-max) and on PostgreSQL + PostGIS,
and writes BENCHMARKS.md at the project root.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = PROJECT_ROOT / "benchmarks" / "results"
STANDARD_SCALES = (1_000, 10_000, 100_000, 1_000_000)


def scales_for(size: int) -> list[int]:
    """The scales a run of this SIZE measures, smallest first."""
    if size < 1:
        raise ValueError("SIZE must be a positive number of initiatives")
    scales = [scale for scale in STANDARD_SCALES if scale <= size]
    if size not in scales:
        scales.append(size)
    return scales
