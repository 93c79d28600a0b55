"""Exports and imports: GeoJSON, uMap, CSV, GeoPackage (HTTP only)."""

from functools import wraps
from itertools import islice
from urllib.parse import quote

from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.database import write_transaction
from app.exchange import bp, downloads, staging
from app.exchange.errors import ImportFileError
from app.exchange.file_sources import parse_file, spooled
from app.exchange.forms import UploadForm, mapping_form
from app.exchange.imports import ImportOptions, commit, dry_run
from app.exchange.mapping import TARGETS, guess_mapping
from app.exchange.report_text import totals
from app.exchange.services import FORMATS
from app.exchange.sources import Source
from app.exchange.spooled_pages import spooled_template
from app.exchange.standard_routes import standard_reports
from app.filters import FilterError, parse_filters
from app.initiatives import geojson
from app.initiatives.fields import InvalidInitiative
from app.web.http import allow_cross_origin, error_response
from app.web.limits import accepts_large_bodies
from app.web.permissions import may_import
from app.web.urls import umap_link

SAMPLE_ROWS = 5  # the file's first rows, shown on the mapping page
PUBLIC_ENDPOINTS = ("exchange.export", "exchange.export_page", "exchange.open_in_umap",
                    "exchange.export_mediation_num", "exchange.export_di_structures",
                    "exchange.export_di_services")


@bp.errorhandler(FilterError)
def bad_filter(error: FilterError):
    return error_response(400, "invalid_parameter", f"{error.param}: {error}")


@bp.after_request
def cross_origin_exports(response: Response) -> Response:
    """Exports are readable from any site (uMap fetches the GeoJSON from the browser)."""
    return allow_cross_origin(response) if request.endpoint in PUBLIC_ENDPOINTS else response


@bp.get("/export")
def export_page():
    """The open data page: every export format for the current filters, and the API."""
    filters = parse_filters(request.args)
    geojson.check_themes(filters)
    args = request.args.to_dict(flat=False)
    return render_template("exchange/export.html", args=args, formats=list(FORMATS),
                           standards=standard_reports(filters,
                                                      geojson.site_root(request.url_root)))


@bp.get("/export/initiatives.<fmt>")
def export(fmt: str):
    """The public initiatives matching the map's filters, as a file."""
    if fmt not in FORMATS:
        abort(404)
    filters = parse_filters(request.args)
    return downloads.export_response(fmt, filters, geojson.site_root(request.url_root))


@bp.get("/export/umap")
def open_in_umap():
    """Send the visitor to uMap with our live GeoJSON (current filters) as a remote layer."""
    parse_filters(request.args)
    return redirect(umap_link())


def importers_only(view):
    """Let moderators and admins in; send others to the login page or answer 403."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return redirect(f"/login?next={quote(request.full_path.rstrip('?'), safe='/')}")
        if not may_import(current_user):
            abort(403)
        return view(*args, **kwargs)
    return wrapped


@bp.route("/import", methods=["GET", "POST"])
@accepts_large_bodies  # the file: IMPORT_MAX_BYTES is checked as it is read
@importers_only
def import_upload():
    """Step 1: upload a file; it is parsed here, once, so a broken file is refused here.

    Spooled to a temporary file, then staged a chunk of rows at a time as they are read
    from it: a CSV is never held whole (a JSON file is, parsed: orjson has no stream).
    """
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("exchange/import_upload.html", form=form)
    config = current_app.config
    max_bytes = config["IMPORT_MAX_BYTES"]
    try:
        with spooled(form.file.data.stream, max_bytes) as path:
            source = parse_file(path, max_bytes, config["IMPORT_MAX_ROWS"],
                                filename=form.file.data.filename or "fichier")
            with write_transaction():
                token = staging.store(source, current_user.id)
    except ImportFileError as error:
        form.file.errors = [str(error)]
        return render_template("exchange/import_upload.html", form=form), 400
    return redirect(url_for("exchange.import_mapping", token=token,
                            source=form.source.data or None))


@bp.errorhandler(staging.UploadMissing)
def upload_missing(_error: staging.UploadMissing):
    """A staged file unknown, expired or someone else's, or gone while its rows were read."""
    return error_response(404, "not_found",
                          _("Ce fichier n'est plus disponible : recommencez l'import."))


@bp.get("/import/<token>")
@importers_only
def import_mapping(token: str):
    """Step 2: say which column is which field (guessed from the headers)."""
    source = staging.load(token, current_user.id)
    guessed = {f"map_{target}": column for target, column in guess_mapping(source).items()}
    form = mapping_form(source.columns, data={
        **guessed, "source": request.args.get("source") or source.filename,
        "status": "pending", "default_kind": "initiative"})
    return mapping_page(form, source, token)


def mapping_page(form, source, token: str, error: str | None = None) -> str:
    return render_template("exchange/import_mapping.html", form=form, source=source,
                           token=token, sample=list(islice(source.rows, SAMPLE_ROWS)),
                           error=error)


def options_from(form) -> ImportOptions:
    return ImportOptions(
        status=form.status.data, default_kind=form.default_kind.data,
        shapes_to_points=form.shapes_to_points.data,
        include_duplicates=form.include_duplicates.data,
        source_label=form.source.data.strip(), site=geojson.site_root(request.url_root))


def posted_mapping(source: Source):
    """The mapping form posted for a file, and whether it is valid."""
    form = mapping_form(source.columns)
    return form, form.validate()


@bp.post("/import/<token>/apercu")
@importers_only
def import_preview(token: str):
    """Step 3: the dry run, row by row, with the button that commits it."""
    source = staging.load(token, current_user.id)
    form, valid = posted_mapping(source)
    if not valid:
        return mapping_page(form, source, token, error=_("Formulaire invalide : réessayez.")), 400
    try:
        report = dry_run(source, form.mapping(), options_from(form),
                         current_user._get_current_object())
    except ImportFileError as error:
        return mapping_page(form, source, token, error=str(error)), 400
    # Spooled: the table of 100,000 rows is never one string (planned above, so a file's
    # error still gets its 400 page).
    return spooled_template("exchange/import_report.html", form=form, report=report,
                           totals=totals(report), token=token, targets=TARGETS)


@bp.post("/import/<token>/valider")
@importers_only
def import_commit(token: str):
    """Step 4: write every accepted row and forget the file, in one transaction (the file
    stays locked while its rows are read and written)."""
    user = current_user._get_current_object()
    try:
        with write_transaction():
            source = staging.load(token, current_user.id, claim=True)
            form, valid = posted_mapping(source)
            if not valid:
                abort(400)
            report = commit(source, form.mapping(), options_from(form), user)
            staging.forget(token)
    except (ImportFileError, InvalidInitiative) as error:
        return error_response(409, "import_failed", f"Rien n'a été écrit : {error}")
    return spooled_template("exchange/import_done.html", report=report)
