"""Several app servers on one database (docs/scaling.md): a write through one is seen by the
others' cached answers, and rate limits are counted once for all of them through Redis."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.database import write_transaction
from tests.conftest import make_app
from tests.factories import make_initiative

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = Path("/usr/bin/redis-server")
CACHED_ANSWERS = ("/api/v1/initiatives", "/api/v1/map/points", "/api/v1/map/tiles/0/0/0.json",
                  "/initiatives")


def answers(client) -> dict[str, tuple[str | None, str]]:
    """The ETag and body of each cached answer, asked twice (the second from the caches)."""
    found = {}
    for path in CACHED_ANSWERS:
        client.get(path)
        response = client.get(path)
        assert response.status_code == 200, path
        found[path] = (response.headers.get("ETag"), response.get_data(as_text=True))
    return found


def test_a_write_through_one_app_is_seen_by_the_others_caches(app, themes, migrated,
                                                              tmp_path):
    """Two app instances on one database, each with its caches and page files (two
    machines): what one writes, the other serves at once, under a new ETag."""
    other = make_app(migrated, API_PAGE_FILES_DIR=str(tmp_path / "other-machine"))
    make_initiative("Jardin des Lilas", status="published")
    before = answers(other.test_client())
    with write_transaction():  # through the first app
        added = make_initiative("Recyclerie des Tanneurs", status="published")
    after = answers(other.test_client())
    for path in CACHED_ANSWERS:
        assert after[path][0] != before[path][0] or after[path][0] is None, path
        assert after[path][1] != before[path][1], path
    assert "Recyclerie des Tanneurs" in after["/initiatives"][1]
    assert added.id in json.loads(after["/api/v1/map/points"][1])["id"]
    features = json.loads(after["/api/v1/initiatives"][1])["features"]
    assert "Recyclerie des Tanneurs" in {f["properties"]["name"] for f in features}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    """A Redis server of our own on a free loopback port, without persistence."""
    if not REDIS_SERVER.exists():
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    server = subprocess.Popen(
        [str(REDIS_SERVER), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def wait_for_port(port: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"redis-server did not listen on port {port}")


# One app server in its own process: it signs in `tries` times (unknown addresses, so no
# account is slowed down) and prints the statuses it answered.
SERVER_SCRIPT = """
import json, sys
from app import create_app
database, storage, tries, name = sys.argv[1:5]
app = create_app({"SQLALCHEMY_DATABASE_URI": database, "RATELIMIT_ENABLED": True,
                  "RATELIMIT_STORAGE_URI": storage, "LOGIN_RATE_LIMIT": "3 per hour",
                  "WTF_CSRF_ENABLED": False, "TESTING": True, "SECRET_KEY": "shared",
                  "PUBLIC_URL": "http://localhost", "JOBS_IN_PROCESS": False})
client = app.test_client()
print(json.dumps([client.post("/login", data={"email": f"{name}-{n}@example.org",
                                             "password": "not this one"}).status_code
                  for n in range(int(tries))]))
"""


def sign_ins(database: str, storage: str, tries: int, name: str) -> list[int]:
    """The statuses a separate app process answered to `tries` sign-in attempts."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run([sys.executable, "-c", SERVER_SCRIPT, database, storage,
                           str(tries), name], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow  # three app processes
def test_rate_limits_are_shared_through_redis(migrated, redis_url):
    """Three sign-ins an hour: two on one server and two on another make four, and the
    fourth is refused; a server counting in its own memory sees none of them."""
    refused, limited = 401, 429  # a wrong password; too many attempts
    assert sign_ins(migrated, redis_url, 2, "first") == [refused, refused]
    assert sign_ins(migrated, redis_url, 2, "second") == [refused, limited]
    assert sign_ins(migrated, "memory://", 2, "alone") == [refused, refused]
