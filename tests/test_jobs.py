"""Periodic jobs: `flask jobs run` runs each due job once, and one server at a time runs it
(a PostgreSQL advisory lock, a file lock beside SQLite), proved with concurrent runs."""

import os
import subprocess
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.jobs.locks import job_lock
from app.jobs.registry import Job
from app.jobs.runner import run_due_jobs, run_job
from app.models import JobRun, OutboxMessage
from tests.conftest import PROJECT_ROOT, VENV_BIN

NOON = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def queue_messages(count: int) -> None:
    with write_transaction():
        db.session.add_all(OutboxMessage(recipient=f"person{n}@example.org", subject="Objet",
                                         body="Corps") for n in range(count))


def statuses() -> set[str]:
    db.session.rollback()
    return set(db.session.scalars(sa.select(OutboxMessage.status)))


def flask_command(app, tmp_path, *args: str) -> subprocess.CompletedProcess:
    """Run a `flask` command in a process of its own, on the test's database, configured as
    in production (where PUBLIC_URL is required)."""
    env = {"PUBLIC_URL": "https://maillage.example.fr", **os.environ,
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "MAIL_EML_DIR": str(tmp_path), "JOBS_IN_PROCESS": ""}
    env.pop("MAIL_SERVER", None)
    return subprocess.run([str(VENV_BIN / "flask"), "--app", "app", *args], env=env,
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)


def test_jobs_run_sends_the_outbox_and_records_the_run(app, runner, tmp_path):
    app.config["MAIL_EML_DIR"] = str(tmp_path)
    queue_messages(2)
    result = runner.invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    assert "outbox: done — 2 sent, 0 failed (eml)" in result.output
    assert len(list(tmp_path.glob("*.eml"))) == 2 and statuses() == {"sent"}
    run = db.session.get(JobRun, "outbox")
    assert run.outcome == "done" and run.finished_at is not None
    assert "outbox" in runner.invoke(args=["jobs", "list"]).output


def test_each_job_is_its_own_command_and_unknown_names_are_refused(app, runner, tmp_path):
    app.config["MAIL_EML_DIR"] = str(tmp_path)
    queue_messages(1)
    assert "outbox: done — 1 sent" in runner.invoke(args=["jobs", "run", "outbox"]).output
    result = runner.invoke(args=["jobs", "run", "harvest-the-moon"])
    assert result.exit_code == 2 and "no job named 'harvest-the-moon'" in result.output


def test_a_job_runs_again_only_once_its_interval_has_passed(app):
    calls = []
    daily = Job("daily-test", timedelta(days=1), lambda: calls.append(1) or "worked", "")
    assert run_job(daily, now=NOON).status == "done"
    assert run_job(daily, now=NOON + timedelta(hours=5)).status == "not due"
    # A timer drifting a few seconds earlier the next day still finds it due.
    assert run_job(daily, now=NOON + timedelta(days=1, seconds=-3)).status == "done"
    assert run_job(daily, now=NOON + timedelta(days=1, hours=1), force=True).status == "done"
    assert len(calls) == 3


def test_a_failing_job_is_recorded_and_does_not_stop_the_others(app, runner):
    def broken() -> str:
        raise RuntimeError("SMTP on fire")

    jobs = (Job("broken-test", timedelta(0), broken, ""),
            Job("fine-test", timedelta(0), lambda: "fine", ""))
    outcomes = run_due_jobs(jobs, now=NOON)
    assert [(o.status, o.summary) for o in outcomes] == [
        ("failed", "RuntimeError: SMTP on fire"), ("done", "fine")]
    assert db.session.get(JobRun, "broken-test", populate_existing=True).outcome == "failed"


def test_two_concurrent_runs_one_works_and_the_other_skips(app):
    working, finish = threading.Event(), threading.Event()

    def slow() -> str:
        working.set()
        finish.wait(30)
        return "worked"

    job = Job("slow-test", timedelta(0), slow, "")
    first = {}

    def run_first() -> None:
        with app.app_context():
            first["outcome"] = run_job(job)

    thread = threading.Thread(target=run_first)
    thread.start()
    try:
        assert working.wait(30)
        second = run_job(job)
    finally:
        finish.set()
        thread.join(30)
    assert second.line() == "slow-test: skipped — running in another process"
    assert first["outcome"].status == "done"
    assert run_job(job).status == "done"  # the lock is free again


def test_a_second_server_skips_the_outbox_while_another_sends_it(app, tmp_path):
    """A real second process (`flask jobs run`) against the same database."""
    queue_messages(3)
    with job_lock("outbox") as held:
        assert held
        busy = flask_command(app, tmp_path, "jobs", "run")
    assert busy.returncode == 0, busy.stderr
    assert "outbox: skipped — running in another process" in busy.stdout
    assert statuses() == {"pending"} and not list(tmp_path.glob("*.eml"))
    free = flask_command(app, tmp_path, "jobs", "run")
    assert "outbox: done — 3 sent" in free.stdout, free.stderr
    assert statuses() == {"sent"} and len(list(tmp_path.glob("*.eml"))) == 3


def test_mail_send_is_the_outbox_job_and_honours_its_lock(app, runner, tmp_path):
    app.config["MAIL_EML_DIR"] = str(tmp_path)
    queue_messages(1)
    with job_lock("outbox"):
        assert "skipped" in runner.invoke(args=["mail", "send"]).output
    assert statuses() == {"pending"}
    assert "1 sent" in runner.invoke(args=["mail", "send"]).output


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="the lock file is SQLite's")
def test_the_sqlite_lock_file_sits_next_to_the_database(app):
    database = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
    with job_lock("outbox"):
        assert os.path.exists(f"{database}.outbox.lock")


def test_a_job_builds_its_links_on_public_url_outside_any_request(app):
    """Reminders and digests will be written by jobs, with no request to take a host from."""
    from app.web.urls import absolute_url

    app.config["PUBLIC_URL"] = "https://carte.example.fr"
    links = []
    job = Job("link-test", timedelta(0), lambda: links.append(absolute_url("public.index")) or "",
              "")
    assert run_job(job).status == "done"
    assert links == ["https://carte.example.fr/"]
