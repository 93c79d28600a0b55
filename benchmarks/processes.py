"""Python commands timed, with their own peak memory (see benchmarks/peak.py)."""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import PROJECT_ROOT

COMMAND_TIMEOUT_S = 1800


def run_measured(module_args: list[str], env: dict) -> tuple[float, float | None, str]:
    """Run `python -m MODULE ARGS`; return seconds, its peak RSS in MB and its output.

    Raise RuntimeError when it fails or runs past the timeout.
    """
    with tempfile.TemporaryDirectory() as scratch:
        peak_file = Path(scratch) / "peak"
        command = [sys.executable, "-m", "benchmarks.peak", str(peak_file), "-m", *module_args]
        started = time.perf_counter()
        done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True,
                              timeout=COMMAND_TIMEOUT_S, check=False)
        seconds = time.perf_counter() - started
        peak = peak_file.read_text().strip() if peak_file.exists() else ""
    text = (done.stdout + done.stderr).decode("utf-8", "replace")
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(module_args)} exited with {done.returncode}: "
                           f"{text[-500:]}")
    return seconds, int(peak) / 1024 if peak else None, text
