"""Development: with JOBS_IN_PROCESS the server runs the periodic jobs itself, so the outbox
empties with no manual step; the flag is off by default, hence in tests and production."""

import os
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from app import config
from app.jobs.background import EXTENSION
from tests.conftest import PROJECT_ROOT, VENV_BIN, make_app
from tests.factories import SECRET_EMAIL, proposal_data

pytestmark = pytest.mark.usefixtures("fast_forms")


def jobs_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "maillage-jobs"]


def wait_for(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_jobs_in_process_is_off_unless_asked(monkeypatch, tmp_path):
    monkeypatch.delenv("JOBS_IN_PROCESS", raising=False)
    assert config.from_environment(tmp_path)["JOBS_IN_PROCESS"] is False
    monkeypatch.setenv("JOBS_IN_PROCESS", "1")
    assert config.from_environment(tmp_path)["JOBS_IN_PROCESS"] is True


def test_make_run_turns_the_background_jobs_on():
    run_target = (PROJECT_ROOT / "Makefile").read_text().split("\nrun:")[1].split("\n\n")[0]
    assert "JOBS_IN_PROCESS=1" in run_target


def test_server_thread_flushes_the_outbox_and_starts_once(app, accounts, tmp_path):
    before = len(jobs_threads())
    served = make_app(app.config["SQLALCHEMY_DATABASE_URI"], JOBS_IN_PROCESS=True,
                      JOBS_IN_PROCESS_SECONDS=0.2, MAIL_EML_DIR=str(tmp_path),
                      FORM_MIN_SECONDS=0)
    assert len(jobs_threads()) == before  # creating the app starts nothing
    client = served.test_client()
    try:
        client.post("/initiatives/new", data=proposal_data())
        client.get("/healthz")
        assert len(jobs_threads()) == before + 1  # once, however many requests
        assert wait_for(lambda: len(list(tmp_path.glob("*.eml"))) == 3)
        assert any(SECRET_EMAIL in path.read_text() for path in tmp_path.glob("*.eml"))
    finally:
        thread = served.extensions[EXTENSION]
        thread.stop()
    assert not thread.is_alive()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:  # not listening yet, or busy starting
        return False


@pytest.mark.slow
def test_dev_server_with_reloader_runs_the_jobs_in_one_process(app, tmp_path):
    """`flask run --debug` loads the app twice (watcher and server): one thread, in the server."""
    from tests.test_jobs import queue_messages, statuses

    queue_messages(2)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "JOBS_IN_PROCESS": "1", "JOBS_IN_PROCESS_SECONDS": "0.5",
           "MAIL_EML_DIR": str(tmp_path)}
    env.pop("MAIL_SERVER", None)
    log = tmp_path / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(VENV_BIN / "flask"), "--app", "app", "run", "--debug", "--port", str(port)],
            cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True)
    try:
        assert wait_for(lambda: answers(f"http://127.0.0.1:{port}/healthz"), 60), log.read_text()
        assert wait_for(lambda: statuses() == {"sent"}, 30), log.read_text()
    finally:
        os.killpg(server.pid, 15)
        server.wait(30)
    started = [line for line in log.read_text().splitlines() if "Periodic jobs run" in line]
    assert len(started) == 1, log.read_text()
    assert len(list(Path(tmp_path).glob("*.eml"))) == 2
