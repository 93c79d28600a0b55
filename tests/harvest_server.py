"""Real HTTP servers on loopback for the harvest tests (fixtures registered in conftest.py).

`harvest_server`: files served from a dict, path → (bytes, content type), with ETag,
Last-Modified and 304 answers; a test changes or removes a file between requests, makes a
path fail, stall, trickle, redirect, stream without end or answer gzip, and reads which
requests came with which headers.

`maillage_peer`: ANOTHER Maillage app, on its own SQLite file, served by werkzeug on
loopback, with a few published initiatives created through the normal creation code.
"""

import email.utils
import gzip
import shutil
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from werkzeug.serving import make_server

FIRST_MODIFIED = datetime(2026, 1, 1, tzinfo=UTC)
ENDLESS_CHUNK = b"x" * 65536


@dataclass
class Route:
    """What one path answers."""

    body: bytes = b""
    content_type: str = "application/octet-stream"
    status: int = 200
    location: str | None = None
    delay: float = 0.0  # before the status line
    trickle: float = 0.0  # between the body's bytes
    endless: bool = False
    gzip: bool = False
    etag: str = ""
    last_modified: str = ""
    declared_length: int | None = None  # a Content-Length that lies (a body cut short)
    encoding: str | None = None  # a Content-Encoding sent as is, the body unchanged


@dataclass
class Seen:
    """A request the server received."""

    path: str
    headers: dict[str, str]


@dataclass
class FileServer:
    """The routes of a running server, changed by the test while it runs."""

    port: int = 0
    routes: dict[str, Route] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    versions: int = 0
    host: str = "127.0.0.1"
    scheme: str = "http"

    def url(self, path: str = "/") -> str:
        return f"{self.scheme}://{self.host}:{self.port}{path}"

    def put(self, path: str, body: bytes, content_type: str = "text/plain; charset=utf-8",
            **options) -> Route:
        """Serve body at path, as a new version (new ETag, Last-Modified a second later)."""
        self.versions += 1
        modified = FIRST_MODIFIED + timedelta(seconds=self.versions)
        route = Route(body, content_type, etag=f'"{sha256(body).hexdigest()[:16]}"',
                      last_modified=email.utils.format_datetime(modified, usegmt=True),
                      **options)
        self.routes[path] = route
        return route

    def remove(self, path: str) -> None:
        self.routes.pop(path, None)

    def fail(self, path: str, status: int) -> None:
        self.routes[path] = Route(b"<h1>Erreur</h1>", "text/html", status=status)

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.routes[path] = Route(status=status, location=location)

    def endless(self, path: str) -> None:
        self.routes[path] = Route(endless=True)

    def requests_to(self, path: str) -> list[dict[str, str]]:
        """The headers of each request for path, oldest first."""
        return [seen.headers for seen in self.seen if seen.path == path]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    files: FileServer  # a path with its query string is looked up first, then without

    def do_GET(self):  # noqa: N802 (http.server's name)
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.files.seen.append(Seen(self.path, headers))
        routes = self.files.routes
        route = routes.get(self.path) or routes.get(self.path.split("?")[0])
        if route is None:
            return self.reply(404, b"not found", "text/plain")
        time.sleep(route.delay)
        if route.location is not None:
            return self.reply(route.status, b"", "text/plain", Location=route.location)
        if route.endless:
            return self.stream_forever()
        if route.status == 200 and self.unchanged(route, headers):
            return self.reply(304, None, None, ETag=route.etag)
        self.send_file(route, headers)

    def unchanged(self, route: Route, headers: dict[str, str]) -> bool:
        """Whether the client's validators match the file (If-None-Match first)."""
        if "if-none-match" in headers:
            return route.etag in [tag.strip() for tag in headers["if-none-match"].split(",")]
        since = headers.get("if-modified-since")
        return bool(since) and (email.utils.parsedate_to_datetime(since)
                                >= email.utils.parsedate_to_datetime(route.last_modified))

    def send_file(self, route: Route, headers: dict[str, str]) -> None:
        body, extra = route.body, {}
        if route.gzip and "gzip" in headers.get("accept-encoding", ""):
            body, extra = gzip.compress(body), {"Content-Encoding": "gzip"}
        if route.encoding:
            extra["Content-Encoding"] = route.encoding
        if route.etag:
            extra.update(ETag=route.etag, **{"Last-Modified": route.last_modified})
        if route.declared_length is not None:
            self.reply(route.status, None, route.content_type,
                       **extra, **{"Content-Length": str(route.declared_length)})
            self.wfile.write(body)
            return
        if not route.trickle:
            return self.reply(route.status, body, route.content_type, **extra)
        self.reply(route.status, None, route.content_type, **extra,
                   **{"Content-Length": str(len(body))})
        for byte in body:
            time.sleep(route.trickle)
            self.wfile.write(bytes([byte]))
            self.wfile.flush()

    def stream_forever(self) -> None:
        """A body without length nor end, until the client hangs up (or two minutes pass)."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Connection", "close")
        self.end_headers()
        until = time.monotonic() + 120
        try:
            while time.monotonic() < until:
                self.wfile.write(ENDLESS_CHUNK)
        except OSError:
            pass  # the client stopped reading: what the test wants

    def reply(self, status: int, body: bytes | None, content_type: str | None, **headers):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        if body is not None:
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if body:
            self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
        pass


def serve_files(host: str = "127.0.0.1", certificate: tuple[Path, Path] | None = None):
    """Start a file server on a free port of host (HTTPS with a (certificate, key) pair);
    return it with its stop function."""
    files = FileServer(host=host, scheme="https" if certificate else "http")
    handler = type("BoundHandler", (Handler,), {"files": files})
    server = ThreadingHTTPServer((host, 0), handler)
    server.daemon_threads = True
    if certificate:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*certificate)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    files.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()

    def stop():
        server.shutdown()
        server.server_close()
    return files, stop


@pytest.fixture
def harvest_server():
    """A file server on 127.0.0.1, empty: the test puts its files."""
    files, stop = serve_files()
    yield files
    stop()


@pytest.fixture
def self_signed_server(tmp_path):
    """A file server over HTTPS on 127.0.0.1 whose certificate (for localhost) nobody signed."""
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                    "-keyout", str(key), "-out", str(certificate)],
                   check=True, capture_output=True)
    files, stop = serve_files(certificate=(certificate, key))
    yield files
    stop()


@dataclass
class Peer:
    """Another Maillage served on loopback: its app (for app contexts) and its root URL."""

    app: object
    url: str
    names: list[str]


PEER_NAMES = ["Repair café de Cluny", "Tiers-lieu du Mâconnais", "Fab lab de Bordeaux",
              "Jardin partagé des Chartrons", "Médiation numérique de Paris 11e"]


@pytest.fixture(scope="session")
def maillage_peer_database(tmp_path_factory) -> Path:
    """A peer database migrated and seeded once; each test serves its own copy."""
    from flask_migrate import upgrade

    from app.database import write_transaction
    from app.initiatives.taxonomy import ensure_default_themes
    from tests.conftest import make_app
    from tests.factories import BORDEAUX, CLUNY, PARIS, make_initiative

    path = tmp_path_factory.mktemp("peer") / "peer.db"
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        upgrade()
        with write_transaction():
            ensure_default_themes()
        for name, insee in zip(PEER_NAMES, [CLUNY, "71270", BORDEAUX, BORDEAUX, PARIS],
                               strict=True):
            make_initiative(name, status="published", insee=insee,
                            summary=f"{name} : un lieu ouvert à tous.")
        from app.extensions import db
        db.engine.dispose()
    return path


@pytest.fixture
def maillage_peer(maillage_peer_database, tmp_path):
    """Another Maillage on 127.0.0.1 with five published initiatives, on a copy of its own
    SQLite file, served by werkzeug in a thread."""
    from tests.conftest import make_app

    copy = tmp_path / "peer.db"
    shutil.copyfile(maillage_peer_database, copy)
    app = make_app(f"sqlite:///{copy}")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Peer(app, f"http://127.0.0.1:{server.server_port}", list(PEER_NAMES))
    server.shutdown()
    server.server_close()
    with app.app_context():
        from app.extensions import db
        db.engine.dispose()
