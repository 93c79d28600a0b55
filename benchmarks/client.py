"""A small timed HTTP client (the standard library's: little overhead of its own)."""

import http.client
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

TIMEOUT_S = 300


@dataclass
class Answer:
    status: int
    body: bytes
    seconds: float
    headers: dict

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def get(base_url: str, path: str, headers: dict | None = None) -> Answer:
    """GET a path, timing from connecting to the last byte of the body."""
    parts = urlsplit(base_url)
    started = time.perf_counter()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT_S)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        seconds = time.perf_counter() - started
        found = {key.lower(): value for key, value in response.getheaders()}
        return Answer(response.status, body, seconds, found)
    finally:
        connection.close()


def exists(base_url: str, path: str) -> tuple[bool, str]:
    """Whether the server has this endpoint (anything but 404 or 405), and why not."""
    answer = get(base_url, path)
    if answer.status in (404, 405):
        return False, f"GET {path} answered {answer.status}: not available yet"
    if answer.status >= 500:
        return False, f"GET {path} answered {answer.status}: server error"
    return True, ""
