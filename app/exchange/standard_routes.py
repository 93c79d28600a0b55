"""Exports in the national standards: médiation numérique CSV, data·inclusion JSON (HTTP only)."""

from flask import Response, request

from app.caching.bounded import app_cache, byte_size
from app.caching.responses import conditional
from app.exchange import bp
from app.exchange.data_inclusion import data_inclusion_json
from app.exchange.mediation_num import mediation_csv
from app.exchange.services import export_statement
from app.exchange.standard_items import Exclusions
from app.filters import Filters, parse_filters
from app.initiatives import geojson
from app.initiatives.fingerprints import fingerprint

# (file name, media type, builder) of each export in a standard.
STANDARD_EXPORTS = {
    "mediation-num": ("initiatives.mediation-num.csv", "text/csv",
                      lambda filters, site: mediation_csv(filters)),
    "structures": ("structures.json", "application/json",
                   lambda filters, site: data_inclusion_json("structures", filters, site)),
    "services": ("services.json", "application/json",
                 lambda filters, site: data_inclusion_json("services", filters, site)),
}
# Bodies kept per worker, in bytes: the export page and the files share them.
KEPT_BYTES = 32 * 2**20


def export_fingerprint(name: str, filters: Filters):
    return fingerprint(export_statement(filters), f"{name}?{filters!r}")


def built(name: str, filters: Filters, site: str, fp=None) -> tuple[bytes, Exclusions]:
    """The export's body and what it left out, built once per data version and filters."""
    fp = fp or export_fingerprint(name, filters)
    return app_cache("standard_exports", KEPT_BYTES, byte_size).get_or_build(
        (fp.etag, name, site), lambda: STANDARD_EXPORTS[name][2](filters, site))


def standard_response(name: str) -> Response:
    filters = parse_filters(request.args)
    site = geojson.site_root(request.url_root)
    fp = export_fingerprint(name, filters)

    def build() -> Response:
        body, exclusions = built(name, filters, site, fp)
        filename, mimetype, _builder = STANDARD_EXPORTS[name]
        response = Response(body, mimetype=mimetype)
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.headers["X-Left-Out"] = str(exclusions.left_out)
        return response
    return conditional(fp, build, max_age=300, keep=False)


@bp.get("/export/initiatives.mediation-num.csv")
def export_mediation_num():
    """The matching digital-mediation places, in the lieux de médiation numérique schema."""
    return standard_response("mediation-num")


@bp.get("/export/data-inclusion/structures.json")
def export_di_structures():
    """The structures behind the matching entries, in the data·inclusion schema."""
    return standard_response("structures")


@bp.get("/export/data-inclusion/services.json")
def export_di_services():
    """The matching entries as data·inclusion services."""
    return standard_response("services")


def standard_reports(filters: Filters, site: str) -> dict[str, Exclusions]:
    """What each export in a standard keeps and leaves out, for the export page."""
    return {name: built(name, filters, site)[1] for name in STANDARD_EXPORTS}
