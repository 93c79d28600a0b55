"""Large API pages as files written once per key, shared by the workers, sent with sendfile.

A 15 MB page of the collection does not fit the per-worker memory cache many times over,
and copying it through Python on every fetch costs more than the kernel sending a file. So
the first fetch of a large page writes it here while it streams to the client (`tee`), and
the next fetches, from any worker and after a restart, are a file handed to the server.

A file's name is a hash of its key, which must say everything the body depends on (the
ETag, the request's URL, the site root, the database). It starts with one line of metadata
(the body's length, the key's hash, the content type, the headers to send again), then the
body. It is written under a temporary name and renamed once complete, so a reader never
sees half a file; a write cut short (an error, a client gone, a crash) is never renamed.
Nothing is invalidated: a new ETag is a new file, and the oldest files go once the
directory holds more than its byte budget.
"""

import hashlib
import logging
import os
import queue
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
from flask import current_app

from app.config import setting

SUFFIX = ".page"
TEMP_PREFIX = ".writing-"
LENGTH_DIGITS = 16
META_MAX_BYTES = 64 * 1024
# A temporary file this old belongs to a worker that died mid-write.
STALE_TEMP_SECONDS = 15 * 60
DEFAULT_BYTES = 512 * 1024 * 1024
DEFAULT_MIN_FEATURES = 500  # about 750 kB: smaller pages stay in the memory cache
log = logging.getLogger(__name__)
COMPLETE, ABANDONED = object(), object()  # the end of a page's chunks, for its writer
WRITERS: set[threading.Thread] = set()  # the page files being written by this process
# A process lists its directory for eviction after writing 1/64 of the budget (8 MB of the
# default): the directory may exceed its budget by that much per process meanwhile.
EVICTION_SHARE = 64
WRITTEN_SINCE_EVICTION: dict[Path, int] = {}


@dataclass
class StoredPage:
    """An open page file, positioned at the start of its body."""

    file: object
    length: int
    content_type: str
    headers: dict


class PageFiles:
    """The page files of one directory, kept under max_bytes."""

    def __init__(self, directory: Path, max_bytes: int):
        self.directory = Path(directory)
        self.max_bytes = max_bytes

    @staticmethod
    def digest(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def path(self, key: str) -> Path:
        return self.directory / f"{self.digest(key)[:40]}{SUFFIX}"

    def open(self, key: str) -> StoredPage | None:
        """The complete file of this key, or None (absent, or not the one it claims)."""
        path = self.path(key)
        try:
            file = open(path, "rb", buffering=0)  # noqa: SIM115 - the response closes it
        except OSError:
            return None
        try:
            page = read_meta(file, self.digest(key))
        except (OSError, ValueError, KeyError, TypeError):  # not a file this code wrote
            page = None
        if page is None:
            file.close()
            return None
        try:
            os.utime(path)  # recently used: evicted last
        except OSError:
            pass
        return page

    def tee(self, key: str, content_type: str, headers: dict,
            chunks: Iterable[bytes]) -> Iterator[bytes]:
        """Yield the chunks, writing them to the key's file, which appears once all are out.

        A thread writes the file, so the client does not wait for the disk: new pages of
        the page cache cost the kernel about 40 ms per 15 MB when memory is full of cache.
        """
        pending: queue.SimpleQueue = queue.SimpleQueue()
        writer = threading.Thread(target=self.write_page, name="page-file",
                                  args=(key, content_type, headers, pending))
        WRITERS.add(writer)
        writer.start()
        complete = False
        try:
            for chunk in chunks:
                pending.put(chunk)
                yield chunk
            complete = True
        finally:
            pending.put(COMPLETE if complete else ABANDONED)

    def write_page(self, key: str, content_type: str, headers: dict,
                   pending: queue.SimpleQueue) -> None:
        """Write the chunks as they come; rename the file once they all came (a thread)."""
        try:
            writer = self.start(key, content_type, headers)
            while (chunk := pending.get()) not in (COMPLETE, ABANDONED):
                if writer is not None and not writer.write(chunk):
                    writer = None
            if writer is not None:
                if chunk is COMPLETE and writer.finish(self.path(key)):
                    self.evict_now_and_then(writer.body_length)
                else:
                    writer.discard()
        finally:
            WRITERS.discard(threading.current_thread())

    def start(self, key: str, content_type: str, headers: dict) -> "PageWriter | None":
        """A temporary file with the page's metadata, or None when it cannot be written."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=self.directory)
        except OSError as error:
            log.warning("Page files disabled for this response: %s", error)
            return None
        writer = PageWriter(os.fdopen(fd, "wb"), Path(name))
        meta = orjson.dumps({"key": self.digest(key), "content_type": content_type,
                             "headers": headers})
        # The length is written over the zeros once known (finish).
        return writer if writer.write(b"0" * LENGTH_DIGITS + b" " + meta + b"\n") else None

    def evict_now_and_then(self, written: int) -> None:
        """Evict once this process wrote a share of the budget since it last looked: each
        look lists the whole directory, which holds tens of thousands of kept pages."""
        pending = WRITTEN_SINCE_EVICTION.get(self.directory, 0) + written
        if pending < self.max_bytes // EVICTION_SHARE:
            WRITTEN_SINCE_EVICTION[self.directory] = pending
            return
        WRITTEN_SINCE_EVICTION[self.directory] = 0
        self.evict()

    def evict(self) -> None:
        """Remove the least recently used files beyond the byte budget, and dead temporaries."""
        now, pages = time.time(), []
        try:
            entries = list(os.scandir(self.directory))
        except OSError:  # removed meanwhile: nothing to evict
            return
        for entry in entries:
            try:
                stat = entry.stat()
            except OSError:
                continue
            if entry.name.startswith(TEMP_PREFIX):
                if now - stat.st_mtime > STALE_TEMP_SECONDS:
                    remove(Path(entry.path))
            elif entry.name.endswith(SUFFIX):
                pages.append((stat.st_mtime, stat.st_size, Path(entry.path)))
        total = sum(size for _, size, _ in pages)
        for _, size, path in sorted(pages):
            if total <= self.max_bytes:
                break
            remove(path)
            total -= size


class PageWriter:
    """A page file being written under a temporary name."""

    def __init__(self, file, path: Path):
        self.file = file
        self.path = path
        self.meta_length: int | None = None
        self.body_length = 0

    def write(self, data: bytes) -> bool:
        """Append data; False (and the file removed) when the disk refuses it."""
        try:
            self.file.write(data)
        except OSError as error:
            log.warning("Page file %s abandoned: %s", self.path.name, error)
            self.discard()
            return False
        if self.meta_length is None:
            self.meta_length = len(data)
        else:
            self.body_length += len(data)
        return True

    def finish(self, final: Path) -> bool:
        """Write the body's length, close, and rename to the final name (atomic)."""
        try:
            self.file.seek(0)
            self.file.write(str(self.body_length).zfill(LENGTH_DIGITS).encode())
            self.file.close()
            os.replace(self.path, final)
        except OSError as error:
            log.warning("Page file %s not kept: %s", final.name, error)
            self.discard()
            return False
        return True

    def discard(self) -> None:
        try:
            self.file.close()
        except OSError:
            pass
        remove(self.path)


def read_meta(file, digest: str) -> StoredPage | None:
    """The metadata of an open page file, checked against the key and the file's size."""
    start = file.read(META_MAX_BYTES)
    end = start.find(b"\n")
    if end < 0 or start[LENGTH_DIGITS:LENGTH_DIGITS + 1] != b" ":
        return None
    length = int(start[:LENGTH_DIGITS])
    meta = orjson.loads(start[LENGTH_DIGITS + 1:end])
    if meta.get("key") != digest or os.fstat(file.fileno()).st_size != end + 1 + length:
        return None
    file.seek(end + 1)  # the server sends from the file's current offset
    return StoredPage(file, length, meta["content_type"], meta["headers"])


def settle(timeout: float = 30) -> None:
    """Wait until the page files being written by this process are kept or discarded."""
    for writer in list(WRITERS):
        writer.join(timeout)


def remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def page_files() -> PageFiles | None:
    """The running app's page files (API_PAGE_FILES_DIR, API_PAGE_FILES_BYTES); None when off."""
    max_bytes = int(setting("API_PAGE_FILES_BYTES", DEFAULT_BYTES))
    if max_bytes <= 0:
        return None
    directory = setting("API_PAGE_FILES_DIR",
                        Path(current_app.instance_path) / "cache" / "api-pages")
    return PageFiles(Path(directory), max_bytes)


def min_features() -> int:
    """The smallest page, in features, worth a file (API_PAGE_FILES_MIN_FEATURES)."""
    return int(setting("API_PAGE_FILES_MIN_FEATURES", DEFAULT_MIN_FEATURES))
