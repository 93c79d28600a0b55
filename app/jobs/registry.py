"""The periodic jobs, each with its name and how often it runs: add a new job to JOBS."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app

from app.initiatives.reminders import send_reminders
from app.notifications.digests import send_digests
from app.notifications.sender import send_pending


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta  # timedelta(0): at every run of `flask jobs run`
    # Does the work, committing its own batches; returns what it did ("" for nothing).
    run: Callable[[], str]
    help: str


def send_outbox(limit: int = 200) -> str:
    """Send the waiting e-mails: SMTP when MAIL_SERVER is set, else .eml files."""
    report = send_pending(limit)
    if not report.sent and not report.failed:
        return ""
    return f"{report.sent} sent, {report.failed} failed ({report.transport})"


# Where create_app puts the harvest's work: syncing a source reads files as the import does
# (app.exchange, a blueprint), which a job, below the blueprints, may not import.
HARVEST_WORK = "maillage_harvest"


def sync_sources() -> str:
    """Sync the harvest sources whose time has come (each on its own schedule)."""
    return current_app.extensions[HARVEST_WORK]()


JOBS: tuple[Job, ...] = (
    # Before the outbox, so that a run sends the reminders it writes.
    Job("reminders", timedelta(days=1), send_reminders,
        "Ask the contacts of stale entries to confirm them; flag the unanswered ones."),
    # Every few minutes for the immediate follows; each follow keeps its own weekly rhythm.
    Job("digests", timedelta(minutes=5), send_digests,
        "Send the followers' digests (weekly or immediate); expire unconfirmed follows."),
    # Every few minutes: each source keeps its own interval (and backoff after a failure).
    Job("sources", timedelta(minutes=5), sync_sources,
        "Sync the harvest sources that are due (flask sources list)."),
    Job("outbox", timedelta(0), send_outbox, "Send the e-mails waiting in the outbox."),
)


def job_named(name: str) -> Job:
    return jobs_named([name])[0]


def jobs_named(names: Iterable[str], jobs: tuple[Job, ...] = JOBS) -> list[Job]:
    """The jobs with these names, in the order given; every job when none is named.

    KeyError names the first unknown one.
    """
    by_name = {job.name: job for job in jobs}
    return [by_name[name] for name in names] if names else list(jobs)
