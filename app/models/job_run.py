"""When each periodic job last ran and how it went: what `flask jobs run` reads to know
which jobs are due."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, in_check

JOB_OUTCOMES = ("running", "done", "failed")


class JobRun(db.Model):
    """One row per job name, overwritten by each run (the last run is all a schedule needs)."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(sa.String(20), default="running")
    summary: Mapped[str] = mapped_column(sa.String(1000), default="")

    __table_args__ = (sa.CheckConstraint(in_check("outcome", JOB_OUTCOMES), name="outcome"),)

    def __repr__(self) -> str:
        return f"<JobRun {self.name} {self.outcome} at {self.started_at:%Y-%m-%d %H:%M}>"
