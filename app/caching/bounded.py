"""Bounded per-worker caches of things built from the database, kept by the running app."""

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

from flask import current_app

Value = TypeVar("Value")


class BoundedCache(Generic[Value]):
    """Values by key, least recently used dropped first once the cache holds max_size.

    The size of a value is size_of(value): 1 by default (a count of entries), or its length
    in bytes for bodies. A value larger than a quarter of the cache is not kept. Keys must
    say everything the value depends on (a fingerprint of its rows, the locale...): nothing
    is ever invalidated, stale keys just age out.
    """

    def __init__(self, max_size: int, size_of: Callable[[Value], int] = lambda _value: 1):
        self.max_size = max_size
        self.size_of = size_of
        self.size = 0
        self.entries: OrderedDict[object, Value] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key) -> Value | None:
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key, value: Value) -> None:
        size = self.size_of(value)
        if size > max(1, self.max_size // 4):
            return
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = value
            self.size += size
            while self.size > self.max_size:
                _, dropped = self.entries.popitem(last=False)
                self.size -= self.size_of(dropped)

    def get_or_build(self, key, build: Callable[[], Value]) -> Value:
        """The value kept for key, else build() kept (built outside the lock)."""
        value = self.get(key)
        if value is None:
            value = build()
            self.put(key, value)
        return value


def app_cache(name: str, max_size: int, size_of: Callable | None = None) -> BoundedCache:
    """The running app's cache called name, made on first use (one per worker process)."""
    extensions = current_app.extensions
    key = f"maillage_cache_{name}"
    if key not in extensions:
        extensions[key] = (BoundedCache(max_size) if size_of is None
                           else BoundedCache(max_size, size_of))
    return extensions[key]


def byte_size(value) -> int:
    """The bytes a cached body takes: its own length, or the first bytes member of a tuple."""
    if isinstance(value, bytes | bytearray):
        return len(value)
    if isinstance(value, tuple):
        return next((len(part) for part in value if isinstance(part, bytes)), 0)
    return sys.getsizeof(value)
