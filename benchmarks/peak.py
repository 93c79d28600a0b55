"""`python -m benchmarks.peak OUT -m MODULE ARGS...`: run a module, then write its VmHWM (kB).

A child's rusage keeps the peak of the process it was forked from (the large benchmark
process), so a command measures its own peak from /proc/self/status, just before it exits.
"""

import atexit
import runpy
import sys
from pathlib import Path


def own_peak_kb() -> str:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return line.split()[1]
    return ""


def main() -> None:
    out, flag, module, *args = sys.argv[1:]
    if flag != "-m":
        raise SystemExit("usage: python -m benchmarks.peak OUT -m MODULE [ARGS...]")
    atexit.register(lambda: Path(out).write_text(own_peak_kb()))
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
