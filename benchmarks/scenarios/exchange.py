"""Scenario 6: exports (GeoJSON, CSV, GeoPackage, uMap) and the import of a CSV of new
initiatives: 10 % of the scale, 100,000 rows at most (--import-ratio, --import-max).

Exports go through `/export/initiatives.<fmt>` when the server has it, else through
`flask export`. Floor: pyogrio writing the same features as a GeoDataFrame (GeoJSON driver
for .umap too, since a uMap file is GeoJSON in an envelope). The import runs
`flask --app app import FILE --dry-run`, then `--publish`, on a CSV of new initiatives, then
goes through the four import pages (`benchmarks/import_steps.py`) with another such CSV,
recording each step's own peak memory.
"""

import csv
import json
import subprocess
import sys

import sqlalchemy as sa

from benchmarks import PROJECT_ROOT
from benchmarks.client import get
from benchmarks.context import Context
from benchmarks.floors import pyogrio_write
from benchmarks.generate import Generator, load_communes
from benchmarks.load import flask_env
from benchmarks.processes import run_measured
from benchmarks.server import PeakMemory

NAME = "exports and import"
FORMATS = {  # format: (pyogrio driver, options) of its floor
    "geojson": ("GeoJSON", {}),
    "csv": ("CSV", {"layer_options": {"GEOMETRY": "AS_XY"}}),
    "gpkg": ("GPKG", {}),
    "umap": ("GeoJSON", {}),
}
IMPORT_COLUMNS = ("id", "name", "summary", "description", "kind", "themes", "actor_name",
                  "actor_type", "insee", "lon", "lat", "website", "started_on")


def flask_command(*args: str) -> list[str]:
    """The module and arguments of a `flask --app app` command."""
    return ["flask", "--app", "app", *args]


def has_command(ctx: Context, name: str) -> bool:
    done = subprocess.run([sys.executable, "-m", *flask_command(name, "--help")],
                          cwd=PROJECT_ROOT,
                          env=flask_env(ctx.database), capture_output=True, check=False)
    return done.returncode == 0


def export_http(ctx: Context, fmt: str) -> tuple[float, int, float | None] | None:
    """Seconds, bytes and worker peak MB of the export over HTTP; None when it is missing."""
    path = f"/export/initiatives.{fmt}"
    with PeakMemory(ctx.server) as memory:
        answer = get(ctx.base_url, path)
    if answer.status in (404, 405):
        return None
    if answer.status != 200:
        raise RuntimeError(f"GET {path} answered {answer.status}: {answer.body[:200]!r}")
    (ctx.workdir / f"export.{fmt}").write_bytes(answer.body)
    return answer.seconds, len(answer.body), memory.peak_mb


def export_cli(ctx: Context, fmt: str) -> tuple[float, int, float | None]:
    """Seconds, bytes and peak MB of `flask export --format fmt -o FILE`."""
    out = ctx.workdir / f"export.{fmt}"
    out.unlink(missing_ok=True)
    seconds, peak_mb, output = run_measured(
        flask_command("export", "--format", fmt, "-o", str(out)), flask_env(ctx.database))
    if not out.exists():
        raise RuntimeError(f"flask export --format {fmt} wrote nothing: {output[-300:]}")
    return seconds, out.stat().st_size, peak_mb


def frame(ctx: Context):
    """The collection's features as a GeoDataFrame (lists joined, as pyogrio needs)."""
    import geopandas

    features = ctx.shared.get("features")
    if not features:
        return None
    gdf = geopandas.GeoDataFrame.from_features(features, crs="EPSG:4326")
    for column in ("themes", "tags"):
        if column in gdf:
            gdf[column] = gdf[column].map(lambda items: ",".join(items or []))
    return gdf


# The floors write the features the collection scenario read: without it (--only), none.
NO_FRAME = ("; no floor: the collection scenario, which reads the features pyogrio writes, "
            "did not run")


def measure_exports(ctx: Context) -> None:
    use_http = get(ctx.base_url, "/export/initiatives.geojson?bbox=0,0,0,0").status == 200
    if not use_http and not has_command(ctx, "export"):
        ctx.missing(NAME, "neither /export/initiatives.<fmt> nor `flask export` exists yet")
        return
    gdf = frame(ctx)
    for fmt, (driver, options) in FORMATS.items():
        seconds, size, peak_mb = export_http(ctx, fmt) if use_http else export_cli(ctx, fmt)
        floor = pyogrio_write(gdf, ctx.workdir / f"floor.{fmt}.{driver.lower()}", driver,
                              **options) if gdf is not None else None
        how = "GET /export/initiatives." + fmt if use_http else f"flask export --format {fmt}"
        unfloored = "" if gdf is not None else NO_FRAME
        ctx.add(NAME, f"export .{fmt}", seconds * 1000, "ms",
                floor=floor * 1000 if floor else None,
                floor_label=f"pyogrio {driver} of the same GeoDataFrame",
                note=f"{how}; {size:,} bytes{unfloored}")
        holder = "worker" if use_http else "flask export process"
        ctx.memory(NAME, f"export .{fmt} ({holder})", peak_mb, True)


def write_import_csv(ctx: Context, prefix: str = "import", seed: int = 99) -> tuple[str, int]:
    """A CSV of new initiatives (other names and places than the loaded ones), written as
    they are drawn."""
    count = ctx.settings.import_rows(ctx.scale)
    rows = Generator(load_communes(ctx.app.config["GAZETTEER_PATH"]), seed=seed,
                     prefix=prefix).stream(count, first_id=1)
    path = ctx.workdir / f"{prefix}-{count}.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(IMPORT_COLUMNS)
        for row in rows:
            # One line per row: the importer sniffs the delimiter line by line, and a cell
            # spanning lines (a Markdown description) makes it read the file wrongly.
            values = {**row, "themes": ";".join(row["themes"]), "id": f"{prefix}-{row['id']}",
                      "description": row["description"].replace("\n\n", " ¶ "),
                      "name": f"{row['name']} ({prefix} {row['id']})"}
            writer.writerow(["" if values[c] is None else values[c] for c in IMPORT_COLUMNS])
    return str(path), path.stat().st_size


def import_env(ctx: Context, size: int) -> dict:
    """The import's environment: its caps raised to the file's size and rows (the upload's
    request too: 60 MB by default, under the 100,000-row CSV's 90 MB)."""
    return {**flask_env(ctx.database), "IMPORT_MAX_BYTES": str(max(size * 2, 10 * 2**20)),
            "MAX_CONTENT_LENGTH": str(max(size * 2, 60 * 2**20)),
            "IMPORT_MAX_ROWS": str(max(ctx.settings.import_rows(ctx.scale), 100_000))}


def count_initiatives(ctx: Context) -> int:
    from app.extensions import db
    from app.models import Initiative

    with ctx.app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Initiative))


def measure_import(ctx: Context) -> None:
    if not has_command(ctx, "import"):
        ctx.missing(NAME, "`flask import` does not exist yet")
        return
    path, size = write_import_csv(ctx)
    env = import_env(ctx, size)
    before = count_initiatives(ctx)
    for label, flag in (("dry run", "--dry-run"), ("commit", "--publish")):
        seconds, peak_mb, output = run_measured(flask_command("import", path, flag), env)
        added = count_initiatives(ctx) - before
        said = " / ".join(output.strip().splitlines()[-2:])[:300]
        ctx.add(NAME, f"import {ctx.settings.import_rows(ctx.scale):,}-row CSV, {label}",
                seconds * 1000, "ms",
                note=f"{size:,} bytes; initiatives added so far: {added}; it said: {said!r}")
        ctx.memory(NAME, f"import {label} (flask import process)", peak_mb, True)


def measure_web_import(ctx: Context) -> None:
    """The four import pages on another CSV of the same size: each step's time and peak."""
    if not ctx.available(NAME, "/import"):
        return
    path, size = write_import_csv(ctx, prefix="web-import", seed=98)
    env = import_env(ctx, size)
    out = ctx.workdir / "import-steps.json"
    run_measured(["benchmarks.import_steps", path, str(out)], env)
    steps = json.loads(out.read_text())
    before = steps.pop("before")["peak_kb"] / 1024
    for step, figures in steps.items():
        ctx.add(NAME, f"import {ctx.settings.import_rows(ctx.scale):,}-row CSV through the "
                f"pages, {step}",
                figures["seconds"] * 1000, "ms",
                note=f"{size:,} bytes; answered {figures['status']}; in-process test client")
        ctx.memory(NAME, f"import page {step} (one process, {before:.0f} MB before upload)",
                   figures["peak_kb"] / 1024 if figures["peak_kb"] else None, figures["reset"])


def measure(ctx: Context) -> None:
    measure_exports(ctx)
    measure_import(ctx)
    measure_web_import(ctx)
