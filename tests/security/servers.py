"""Real servers for the fault tests: gunicorn workers on their own database file."""

import os
import re
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from flask_migrate import upgrade

from app.database import write_transaction
from tests.conftest import PROJECT_ROOT, VENV_BIN, make_app

GUNICORN = VENV_BIN / "gunicorn"
SECRET_KEY = "fault-tests-secret-key"


def fresh_database(folder: Path, *, seed: bool = False) -> str:
    """A migrated SQLite file with the default themes (and the seed initiatives)."""
    from app.initiatives.seed import load_seed
    from app.initiatives.taxonomy import ensure_default_themes

    url = f"sqlite:///{folder / 'maillage.db'}"
    app = make_app(url)
    with app.app_context():
        upgrade()
        with write_transaction():
            ensure_default_themes()
            if seed:
                load_seed(Path(app.config["SEED_PATH"]))
        from app.extensions import db

        db.engine.dispose()
    return url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    log: Path

    def kill(self) -> None:
        """SIGKILL the master and its workers at once, as a power cut or the OOM killer."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def start_server(database_url: str, folder: Path, *, workers: int = 2, threads: int = 1,
                 **config) -> Server:
    """gunicorn serving create_app(config) on a free port; wait until /healthz answers.

    The configuration goes through the app factory's overrides, as a deployment would set
    it: the code under test is the code that runs.
    """
    port = free_port()
    overrides = {"SQLALCHEMY_DATABASE_URI": database_url, "PUBLIC_URL": f"http://127.0.0.1:{port}",
                 **config}
    log = folder / f"gunicorn-{port}.log"
    env = {**os.environ, "SECRET_KEY": SECRET_KEY}  # the workers share one key
    process = subprocess.Popen(
        [str(GUNICORN), f"app:create_app({overrides!r})", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--timeout", "120",
         "--graceful-timeout", "5", "--error-logfile", "-", "--log-level", "warning"],
        cwd=PROJECT_ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True)
    server = Server(process, f"http://127.0.0.1:{port}", log)
    wait_until_up(server)
    return server


def wait_until_up(server: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped:\n{server.output()}")
        try:
            if requests.get(server.url + "/healthz", timeout=10).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or a worker still booting
            pass
        time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"gunicorn did not answer in {timeout} s:\n{server.output()}")


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)[1]


def form_value(html: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)[1]


def signed_in(server: Server, email: str, password: str) -> requests.Session:
    """A browser-like session signed in through the login form (CSRF token and all)."""
    session = requests.Session()
    page = session.get(server.url + "/login", timeout=30)
    response = session.post(server.url + "/login", timeout=30, allow_redirects=False, data={
        "email": email, "password": password, "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302, response.status_code
    return session
