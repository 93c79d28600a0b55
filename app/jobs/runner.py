"""Run a job once: under its lock, when it is due, recording when it ran and how it went."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, has_request_context

from app.database import write_transaction
from app.extensions import db
from app.jobs.locks import job_lock
from app.jobs.registry import JOBS, Job
from app.models import JobRun
from app.models.base import utcnow

# A run may come a little early and still count (a timer's start drifts by a few seconds:
# a daily job started at 03:00:01 yesterday is due at 03:00:00 today).
EARLY_FRACTION = 0.1


@dataclass(frozen=True)
class Outcome:
    job: str
    status: str  # "done", "failed", "skipped" (another process runs it) or "not due"
    summary: str = ""

    def line(self) -> str:
        detail = self.summary or ("nothing to do" if self.status == "done" else "")
        return f"{self.job}: {self.status}" + (f" — {detail}" if detail else "")


def run_due_jobs(jobs: tuple[Job, ...] = JOBS, now: datetime | None = None) -> list[Outcome]:
    """Run every job that is due, one after another."""
    return [run_job(job, now=now) for job in jobs]


def run_job(job: Job, *, force: bool = False, now: datetime | None = None) -> Outcome:
    """Run the job unless another process is running it, or (unless forced) it is not due."""
    with job_lock(job.name) as held:
        if not held:
            return Outcome(job.name, "skipped", "running in another process")
        now = now or utcnow()
        last = db.session.get(JobRun, job.name, populate_existing=True)
        if not force and not is_due(job, last, now):
            return Outcome(job.name, "not due", f"last run {last.started_at:%Y-%m-%d %H:%M} UTC")
        record_start(job.name, now)
        try:
            with links_on_public_url():
                summary = job.run()
        except Exception as error:  # one failing job must not stop the others
            db.session.rollback()
            current_app.logger.exception("Job %s failed", job.name)
            return record_end(job.name, "failed", f"{type(error).__name__}: {error}")
        return record_end(job.name, "done", summary)


@contextmanager
def links_on_public_url() -> Iterator[None]:
    """Let a job's e-mails build their links (url_for) outside any request, on PUBLIC_URL."""
    if has_request_context():
        yield
        return
    root = current_app.config.get("PUBLIC_URL") or "http://localhost/"
    with current_app.test_request_context("/", base_url=root):
        yield


def is_due(job: Job, last: JobRun | None, now: datetime) -> bool:
    return last is None or now >= last.started_at + job.every * (1 - EARLY_FRACTION)


def record_start(name: str, now: datetime) -> None:
    with write_transaction():
        run = db.session.get(JobRun, name) or JobRun(name=name)
        run.started_at, run.finished_at, run.outcome, run.summary = now, None, "running", ""
        db.session.add(run)


def record_end(name: str, outcome: str, summary: str) -> Outcome:
    with write_transaction():
        run = db.session.get(JobRun, name)
        run.finished_at, run.outcome, run.summary = utcnow(), outcome, summary[:1000]
    return Outcome(name, outcome, summary)
