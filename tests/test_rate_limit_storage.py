"""The in-process rate-limit storage survives many request threads hitting it at once.

limits' memory:// storage restarts its expiry timer without a lock; when a finaliser lets
another thread run in between (a busy worker's garbage collection), two threads start the
same Timer and one request gets "threads can only be started once", a 500. This is the
500 once seen among fifty concurrent proposals (tests/security/test_faults.py).
"""

import sys
import threading
import time

from limits.storage import storage_from_string

from app.extensions import limiter
from tests.conftest import make_app


class LingeringTimer(threading.Timer):
    """A timer whose end lets other threads run, as a finaliser does."""

    def __del__(self):
        time.sleep(0.01)


def concurrent_hits(storage, threads: int = 8) -> list[str]:
    """Errors raised by threads incrementing their own keys at the same moment."""
    errors: list[str] = []
    barrier = threading.Barrier(threads)

    def hit(number: int) -> None:
        barrier.wait()
        try:
            storage.incr(f"key-{number}", 60)
        except RuntimeError as error:
            errors.append(repr(error))

    workers = [threading.Thread(target=hit, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return errors


def test_memory_storage_starts_its_expiry_timer_once_under_concurrent_hits(monkeypatch):
    monkeypatch.setattr(threading, "Timer", LingeringTimer)
    ignored: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda raised: ignored.append(
        repr(raised.exc_value)))
    errors = []
    for _round in range(5):
        storage = storage_from_string("memory://")
        time.sleep(0.05)  # its first timer has run: the next hits restart it
        errors += concurrent_hits(storage)
    assert errors == [] and ignored == []


def test_the_apps_limiter_counts_in_that_storage(migrated):
    make_app(migrated, RATELIMIT_ENABLED=True)
    try:
        storage = limiter.storage
        assert type(storage).__name__ == "ThreadSafeMemoryStorage"
        assert concurrent_hits(storage) == []
    finally:
        limiter.reset()
