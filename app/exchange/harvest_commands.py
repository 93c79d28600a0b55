"""`flask sources`: add, list, sync, pause and resume harvest sources."""

import sys

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.database import write_transaction
from app.exchange.harvest_pull import sync_source
from app.exchange.harvest_rows import parse_mapping
from app.extensions import db
from app.harvest.schedule import runs_of
from app.harvest.settings import (
    InvalidSource,
    SourceValues,
    add_source,
    audit,
    parse_every,
    set_paused,
    settings_of,
    source_named,
)
from app.models.harvest import HARVEST_FORMATS, HarvestSource

sources_cli = AppGroup("sources", help="Harvest sources: URLs fetched again and again.")


@sources_cli.command("add")
@click.argument("url")
@click.option("--name", required=True, help="A unique name, shown in revisions.")
@click.option("--format", "fmt", required=True, type=click.Choice(HARVEST_FORMATS))
@click.option("--trusted", is_flag=True, help="Publish its changes at once (else moderated).")
@click.option("--allow-private", is_flag=True,
              help="Let it reach loopback or private addresses (SSRF guard lifted).")
@click.option("--every", default="1d", show_default=True, help="Interval: 30m, 6h, 1d, 1w.")
@click.option("--map", "mappings", multiple=True, metavar="FIELD=COLUMN",
              help="Column of a field (a CSV's saved mapping; FIELD= unmaps).")
def add_command(url: str, name: str, fmt: str, trusted: bool, allow_private: bool, every: str,
                mappings: tuple[str, ...]) -> None:
    """Add a source, due at once (`flask sources sync NAME` or the next `flask jobs run`)."""
    try:
        values = SourceValues(name, url, fmt, trusted, allow_private, parse_every(every),
                              parse_mapping(list(mappings)))
        with write_transaction():
            source = add_source(values, author=None)
            audit("source_create", None, source, {})
    except ValueError as error:
        raise click.ClickException(described(error)) from None
    click.echo(f"Added source {source.name} ({source.format}, "
               f"{'trusted' if source.trusted else 'moderated'}, every {source.interval}).")


def described(error: ValueError) -> str:
    if isinstance(error, InvalidSource):
        return "; ".join(f"{field}: {message}" for field, message in error.errors.items())
    return str(error)


@sources_cli.command("list")
def list_command() -> None:
    """List the sources, their state and their last run."""
    for source in db.session.scalars(sa.select(HarvestSource).order_by(HarvestSource.name)):
        click.echo(source_line(source))


def source_line(source: HarvestSource) -> str:
    state = "paused" if source.paused else (
        f"next {source.next_due_at:%Y-%m-%d %H:%M} UTC" if source.next_due_at else "due")
    last = runs_of(source, limit=1)
    run = (f"last run {last[0].started_at:%Y-%m-%d %H:%M} UTC: {last[0].outcome}"
           if last else "never run")
    error = f" — error: {source.last_error}" if source.last_error else ""
    return (f"{source.name} [{source.format}, {'trusted' if source.trusted else 'moderated'}"
            f"{', private addresses allowed' if source.allow_private else ''}] {source.url} "
            f"({state}; {run}){error}")


@sources_cli.command("sync")
@click.argument("name", required=False)
@click.option("--full", is_flag=True, help="Read everything again (no conditional request).")
def sync_command(name: str | None, full: bool) -> None:
    """Sync a source now, or every source not paused. Exits with 1 when one failed."""
    sources = [named(name)] if name else active_sources()
    failed = False
    for source in sources:
        run = sync_source(source.id, full=full)
        counts = ", ".join(f"{value} {key}" for key, value in run.counts().items() if value)
        click.echo(f"{source.name}: {run.outcome}" + (f" — {counts}" if counts else "")
                   + (f"\n  {run.message}" if run.message else ""))
        failed = failed or run.outcome == "failed"
    if failed:
        sys.exit(1)


def named(name: str) -> HarvestSource:
    source = source_named(name)
    if source is None:
        raise click.BadParameter(f"no source named {name!r}", param_hint="NAME")
    return source


def active_sources() -> list[HarvestSource]:
    return list(db.session.scalars(sa.select(HarvestSource).where(~HarvestSource.paused)
                                   .order_by(HarvestSource.name)))


@sources_cli.command("pause")
@click.argument("name")
def pause_command(name: str) -> None:
    """Take a source off the schedule (its entries stay as they are)."""
    switch(name, paused=True)


@sources_cli.command("resume")
@click.argument("name")
def resume_command(name: str) -> None:
    """Put a paused source back on the schedule, due at once."""
    switch(name, paused=False)


def switch(name: str, *, paused: bool) -> None:
    with write_transaction():
        source = named(name)
        before = settings_of(source)
        set_paused(source, paused)
        audit("source_pause" if paused else "source_resume", None, source, before)
    click.echo(f"{name}: {'paused' if paused else 'resumed, due now'}.")


@sources_cli.command("runs")
@click.argument("name")
@click.option("--limit", default=20, show_default=True)
def runs_command(name: str, limit: int) -> None:
    """Show a source's latest runs, newest first."""
    for run in runs_of(named(name), limit=limit):
        counts = ", ".join(f"{value} {key}" for key, value in run.counts().items() if value)
        click.echo(f"{run.started_at:%Y-%m-%d %H:%M} UTC {run.outcome}"
                   + (f" — {counts}" if counts else "") + (f": {run.message}" if run.message
                                                          else ""))
