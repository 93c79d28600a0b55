"""Printed directories (PDF) of a commune, an EPCI, a département and any list (HTTP only)."""

from collections.abc import Callable
from datetime import date

from flask import abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.caching.responses import conditional_built_file
from app.extensions import db
from app.filters import Filters
from app.geo.spatial import select_initiatives
from app.initiatives.dossiers import dossier_by_slug
from app.initiatives.fingerprints import fingerprint
from app.initiatives.paths import initiative_slug
from app.public import bp
from app.public.directory import (
    Layout,
    build_directory,
    directory_entries,
    max_entries,
)
from app.public.directory_parts import directory_parts, part_count, whole
from app.public.feeds import feed_title
from app.public.near import page_filters
from app.public.query import filter_args, read_filters
from app.public.services import count_matching
from app.public.territory_pages import (
    commune_areas,
    departement_areas,
    epci_areas,
    found_or_404,
    gazetteer_or_503,
)
from app.web.pdf import PDF, pdf_processes, pdf_renderer, render_pdf
from app.web.urls import absolute_url, query_string

# Browsers and proxies may keep a directory an hour; the ETag then tells it is current.
PDF_MAX_AGE = 3600
TRUE_VALUES = ("1", "oui", "true", "on")
DOSSIER_SLUG_MAX = 80  # as the dossier's page: a longer slug names none
# What draws a territory: (its outline or None, its neighbours' outlines), built only when
# the PDF is, not when it comes from the cache.
Outlines = Callable[[], tuple[object, list]]


@bp.get("/territoires/commune/<insee>/annuaire.pdf")
def commune_directory(insee: str):
    """The printed directory of a commune."""
    gazetteer = gazetteer_or_503()
    found = found_or_404(gazetteer.get(insee), _("Aucune commune ne porte ce code INSEE."))

    def outlines():
        return gazetteer.outline(found.insee), [
            *commune_areas(gazetteer, found.departement).geometry,
            *departement_areas(gazetteer).geometry]

    return directory_response(f"{found.name} ({found.insee})", {"commune": found.insee},
                              outlines, absolute_url("public.commune", insee=found.insee))


@bp.get("/territoires/epci/<siren>/annuaire.pdf")
def epci_directory(siren: str):
    """The printed directory of an intercommunality."""
    gazetteer = gazetteer_or_503()
    found = found_or_404(gazetteer.epci(siren) if siren.isdigit() else None,
                         _("Aucune intercommunalité ne porte ce numéro SIREN."))

    def outlines():
        communes = epci_areas(gazetteer, found)
        around = [shape for code in found["departements"]
                  for shape in commune_areas(gazetteer, code).geometry]
        return communes.union_all(), [*around, *departement_areas(gazetteer).geometry]

    return directory_response(found["name"], {"epci": found["code"]}, outlines,
                              absolute_url("public.epci", siren=found["code"]))


@bp.get("/territoires/<code>/annuaire.pdf")
def departement_directory(code: str):
    """The printed directory of a département."""
    gazetteer = gazetteer_or_503()
    found = found_or_404(gazetteer.departement(code), _("Aucun département ne porte ce code."))

    def outlines():
        areas = departement_areas(gazetteer)
        own = areas[areas["code"] == found["code"]]
        return own.union_all(), list(areas.geometry)

    return directory_response(f"{found['name']} ({found['code']})",
                              {"departement": found["code"]}, outlines,
                              absolute_url("public.departement", code=found["code"]))


@bp.get("/dossiers/<slug>/annuaire.pdf")
def dossier_directory(slug: str):
    """The printed directory of a dossier (its initiatives by category, as any directory)."""
    found = dossier_by_slug(slug) if len(slug) <= DOSSIER_SLUG_MAX else None
    if found is None:
        abort(404, _("Aucun dossier ne porte l'identifiant « %(slug)s ».", slug=slug[:80]))

    def outlines():
        return None, list(departement_areas(gazetteer_or_503()).geometry)

    return directory_response(found.title, {"dossier": found.slug}, outlines,
                              absolute_url("public.dossier", slug=found.slug))


@bp.get("/initiatives/annuaire.pdf")
def list_directory():
    """The printed directory of a list, with any of its filters."""
    def outlines():
        return None, list(departement_areas(gazetteer_or_503()).geometry)

    filters = read_filters(request.args, page_filters)[0]
    return directory_response(feed_title(filters), {}, outlines,
                              absolute_url("public.initiatives"))


def directory_response(title: str, fixed: dict, outlines: Outlines, page: str):
    """The PDF of the entries matching the request's filters and the fixed ones, from the
    page files when this version was printed already; a page saying how to narrow the
    list when it holds more than PDF_MAX_ENTRIES."""
    args = MultiDict(request.args)
    for name, value in fixed.items():
        args.setlist(name, [value])
    filters = read_filters(args, page_filters)[0]
    layout = Layout(large=flag("gros"), easy=flag("facile"))
    online = page + query_string(filter_args(request.args))
    total = count_matching(filters)
    if total > max_entries():
        narrow = url_for("public.initiatives") + query_string(filter_args(args))
        return too_many(title, total, narrow), 422
    fp = fingerprint(select_initiatives(filters), salt(layout))
    filename = f"annuaire-{initiative_slug(title)}{'-gros-caracteres' if layout.large else ''}.pdf"

    def build():
        body = directory_pdf(title, filters, outlines, layout, online)
        return body, {"Content-Disposition": f'inline; filename="{filename}"'}

    return conditional_built_file(fp, page_key(fp.etag), build, PDF, PDF_MAX_AGE)


def directory_pdf(title: str, filters: Filters, outlines: Outlines, layout: Layout,
                  online: str) -> bytes:
    """Render the directory's PDF: whole, or in parts at once when it is long enough (the
    render processes start first, to get ready while the entries are laid out here)."""
    initiatives = directory_entries(filters)
    processes = pdf_processes()
    count = part_count(len(initiatives), processes)
    if count == 1:
        directory = build_directory(title, initiatives, *outlines(), layout, online)
        return render_pdf(render_template("public/directory.html", directory=directory,
                                          part=whole(directory), footers=True))
    with pdf_renderer(count, processes) as renderer:
        directory = build_directory(title, initiatives, *outlines(), layout, online)
        pages = [render_template("public/directory.html", directory=directory, part=part,
                                 footers=False) for part in directory_parts(directory, count)]
        return renderer.render(pages, lambda total: render_template(
            "public/directory_footers.html", directory=directory, pages=total))


def flag(name: str) -> bool:
    return request.args.get(name, "").strip().lower() in TRUE_VALUES


def salt(layout: Layout) -> str:
    """What decides a directory beside its rows: the URL, layout, language and date."""
    return (f"pdf|{request.path}?{query_string(filter_args(request.args))}|{layout}"
            f"|{get_locale()}|{date.today().isoformat()}")


def page_key(etag: str) -> str:
    """The page file's key: the ETag, the site its QR codes link to and the database."""
    database = db.engine.url.render_as_string(hide_password=True)
    return f"{etag}|{absolute_url('public.index')}|{database}"


def too_many(title: str, total: int, narrow: str) -> str:
    """The page saying the directory is too large to print, and how to narrow it."""
    return render_template("public/directory_too_large.html", title=title, total=total,
                           limit=max_entries(), narrow=narrow)
