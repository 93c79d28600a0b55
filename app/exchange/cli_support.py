"""What the import command needs beyond the services: reading the file, the --map options."""

from pathlib import Path

import click
from flask import current_app
from werkzeug.datastructures import MultiDict

from app.exchange.errors import ImportFileError
from app.exchange.file_sources import parse_file
from app.exchange.mapping import TARGETS, guess_mapping
from app.exchange.sources import Source
from app.filters import FilterError, Filters, parse_filters
from app.initiatives.geojson import check_themes

DEV_SERVER = "http://127.0.0.1:5000"


def load_source(path: Path, max_bytes: int, max_rows: int | None = None) -> Source:
    """Parse the file, refusing an oversized one before reading it, and one holding more
    than max_rows rows as soon as it reaches them (a CSV's rows are read again at each
    pass, never held whole)."""
    try:
        return parse_file(path, max_bytes, max_rows)
    except ImportFileError as error:
        raise click.ClickException(f"Nothing imported: {error}") from None


def mapping_for(source: Source, options: tuple[str, ...]) -> dict[str, str]:
    """The guessed mapping, changed by FIELD=COLUMN options (an empty COLUMN unmaps)."""
    mapping = guess_mapping(source)
    for option in options:
        target, sep, column = option.partition("=")
        if not sep or target not in TARGETS:
            raise click.BadParameter(
                f"{option!r}: expected FIELD=COLUMN with FIELD one of {', '.join(TARGETS)}.",
                param_hint="--map")
        if column and column not in source.columns:
            raise click.BadParameter(f"no column {column!r} in the file; columns: "
                                     f"{', '.join(source.columns)[:300]}.", param_hint="--map")
        if column:
            mapping[target] = column
        else:
            mapping.pop(target, None)
    return mapping


FILTER_OPTIONS = (
    click.option("--q", default="", help="Words to search for."),
    click.option("--theme", multiple=True, help="Theme slug (repeatable)."),
    click.option("--kind", multiple=True, help="Kind (repeatable)."),
    click.option("--actor-type", "actor_type", multiple=True, help="Actor type (repeatable)."),
    click.option("--commune", default="", help="Commune INSEE code."),
    click.option("--epci", default="", help="Intercommunality SIREN number."),
    click.option("--departement", default="", help="Département code."),
    click.option("--region", default="", help="Région code."),
    click.option("--bbox", default="", help="minlon,minlat,maxlon,maxlat"),
    click.option("--status", default="active", help="active, archived or all."),
    click.option("--telephone", is_flag=True, help="Only those with a phone number."),
    click.option("--scope", multiple=True,
                 help="local, intercommunal, departemental, regional or national (repeatable)."),
)


def filter_options(command):
    """Give a command the API's filters as options."""
    for option in reversed(FILTER_OPTIONS):
        command = option(command)
    return command


def export_filters(options: dict) -> Filters:
    """The filters given as options, checked like the API checks its parameters."""
    args = MultiDict([(key, "1" if value is True else value) for key, values in options.items()
                      for value in (values if isinstance(values, tuple) else [values]) if value])
    try:
        filters = parse_filters(args)
        check_themes(filters)
    except FilterError as error:
        raise click.BadParameter(str(error), param_hint=f"--{error.param}") from None
    return filters


def site_url(base_url: str | None) -> str:
    """Our public root for absolute links: --base-url, else PUBLIC_URL, else the dev server."""
    return (base_url or current_app.config.get("PUBLIC_URL") or DEV_SERVER).rstrip("/")


def write_standard_export(format_name: str, filters: Filters, site: str,
                          output: Path) -> list[str]:
    """Write an export in a national standard; the lines saying what was written and left
    out (the médiation numérique CSV is a file, data·inclusion a folder of two)."""
    from app.exchange.data_inclusion import data_inclusion_json
    from app.exchange.mediation_num import mediation_csv

    if format_name == "mediation-num":
        written = {output: mediation_csv(filters)}
    else:
        output.mkdir(parents=True, exist_ok=True)
        written = {output / f"{kind}.json": data_inclusion_json(kind, filters, site)
                   for kind in ("structures", "services")}
    lines = []
    for path, (body, exclusions) in written.items():
        path.write_bytes(body)
        lines.append(f"Wrote {path}: {exclusions.kept} kept, {exclusions.left_out} left out.")
        lines.extend(f"  {count} {reason}" for reason, count in exclusions.reasons.most_common())
    return lines
