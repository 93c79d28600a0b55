"""The app served by gunicorn (2 workers) on a free loopback port, and its workers' memory."""

import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import PROJECT_ROOT
from benchmarks.client import get
from benchmarks.load import Database, flask_env

WORKERS = 2
START_TIMEOUT_S = 60
# Long enough for the largest page of the collection on a loaded machine.
WORKER_TIMEOUT_S = 300


def free_port() -> int:
    """A port nobody listens on now, on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Above the whole collection at a million (about 2 KB per initiative), as the operator of such
# a map sets it (README): under the default 512 MiB a whole fetch evicts its own first pages.
PAGE_FILES_BYTES = 8 * 2**30


class Server:
    """A gunicorn process tree serving benchmarks.wsgi:app; use it as a context manager."""

    def __init__(self, database: Database, static_dir: Path, log_path: Path):
        self.database = database
        self.static_dir = static_dir
        self.log_path = log_path
        # The API's page files (app.caching.page_files): the run's, so a scenario can empty them.
        self.page_files_dir = static_dir.parent / "page-files"
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.env: dict[str, str] = {}  # settings of the app beyond the run's (restart to apply)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Server":
        self.clear_page_files()  # a fresh server owes nothing to the one before
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        self.static_dir.mkdir(parents=True, exist_ok=True)
        env = {**flask_env(self.database), "BENCH_STATIC_DIR": str(self.static_dir),
               "API_PAGE_FILES_DIR": str(self.page_files_dir),
               "API_PAGE_FILES_BYTES": str(PAGE_FILES_BYTES), **self.env}
        command = [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS),
                   "--bind", f"127.0.0.1:{self.port}", "--timeout", str(WORKER_TIMEOUT_S),
                   "--backlog", "2048", "benchmarks.wsgi:create_bench_app()"]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log,
                                            stderr=subprocess.STDOUT)
        self.wait_ready()

    def wait_ready(self) -> None:
        """Wait until /healthz answers and both workers are up."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                if get(self.base_url, "/healthz").status == 200 and \
                        len(self.worker_pids()) == WORKERS:
                    return
            except OSError:  # not listening yet
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not start in {START_TIMEOUT_S} s; see {self.log_path}")

    def stop(self) -> None:
        """Stop gunicorn gracefully, then for good."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def restart(self) -> None:
        """Stop and start again: empty memory caches, the page files kept."""
        self.stop()
        self.start()

    def clear_page_files(self) -> None:
        """Remove the page files the workers wrote: the next fetch builds every page."""
        shutil.rmtree(self.page_files_dir, ignore_errors=True)

    def worker_pids(self) -> list[int]:
        """The pids of the gunicorn workers (children of the master)."""
        if self.process is None:
            return []
        return child_pids(self.process.pid)


def child_pids(parent: int) -> list[int]:
    children = Path(f"/proc/{parent}/task/{parent}/children")
    try:
        return [int(pid) for pid in children.read_text().split()]
    except OSError:
        return []


def status_kb(pid: int, key: str) -> int | None:
    """A memory figure of /proc/<pid>/status (VmHWM, VmRSS), in kB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def reset_peak(pids: list[int]) -> bool:
    """Reset the peak RSS (VmHWM) of these processes; False when the kernel refuses."""
    done = True
    for pid in pids:
        try:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
        except OSError:
            done = False
    return done


class PeakMemory:
    """The highest VmHWM of a server's workers while the block runs, in MB."""

    def __init__(self, server: Server):
        self.server = server
        self.peak_mb: float | None = None
        self.reset = False

    def __enter__(self) -> "PeakMemory":
        self.reset = reset_peak(self.server.worker_pids())
        return self

    def __exit__(self, *exc) -> None:
        peaks = [status_kb(pid, "VmHWM") for pid in self.server.worker_pids()]
        peaks = [peak for peak in peaks if peak is not None]
        self.peak_mb = max(peaks) / 1024 if peaks else None
