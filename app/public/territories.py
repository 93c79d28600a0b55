"""Territory pages: France, a région, a département, an EPCI, a commune (HTTP only)."""

from flask import abort, jsonify, redirect, request, url_for
from flask_babel import gettext as _

from app.geo.gazetteer import Gazetteer, GazetteerMissing
from app.geo.territory import current_gazetteer
from app.models import Initiative
from app.public import bp
from app.public.territory_pages import (
    Territory,
    bounds_around,
    bounds_of,
    commune_areas,
    departement_areas,
    epci_areas,
    found_or_404,
    gazetteer_or_503,
    render_territory,
)
from app.web.urls import query_string

SUGGESTIONS = 10


def departement_page(code: str) -> str:
    return url_for("public.departement", code=code)


def commune_page(insee: str) -> str:
    return url_for("public.commune", insee=insee)


def region_crumbs(gazetteer: Gazetteer, code: str) -> list[tuple[str, str]]:
    """France and a région, as breadcrumbs."""
    crumbs = [("France", url_for("public.france"))]
    found = gazetteer.region(code)
    if found is not None:
        crumbs.append((found["name"], url_for("public.region", code=code)))
    return crumbs


def departement_crumbs(gazetteer: Gazetteer, code: str) -> list[tuple[str, str]]:
    """France, a région and one of its départements, as breadcrumbs."""
    found = gazetteer.departement(code)
    if found is None:
        return [("France", url_for("public.france"))]
    return [*region_crumbs(gazetteer, found["region"]),
            (f"{found['name']} ({found['code']})", departement_page(found["code"]))]


@bp.get("/territoires/")
def france():
    """France: initiatives per département."""
    outlines = departement_areas(gazetteer_or_503())
    return render_territory(Territory(
        level="france", name="France", title=_("Les initiatives en France"), filters={},
        outlines=outlines, key="code", column=Initiative.departement,
        area_url=departement_page,
    ))


@bp.get("/territoires/region/<code>")
def region(code: str):
    """A région: initiatives per département."""
    gazetteer = gazetteer_or_503()
    found = found_or_404(gazetteer.region(code), _("Aucune région ne porte ce code."))
    outlines = departement_areas(gazetteer)
    outlines = outlines[outlines["region"] == found["code"]]
    return render_territory(Territory(
        level="region", name=found["name"], title=found["name"],
        filters={"region": found["code"]}, outlines=outlines, key="code",
        column=Initiative.departement, area_url=departement_page,
        bounds=bounds_of(outlines), parents=[("France", url_for("public.france"))],
    ))


@bp.get("/territoires/<code>")
def departement(code: str):
    """A département: initiatives per commune. A commune's or an EPCI's code given here (an
    easy mistake: both are "territories") goes to its own page."""
    gazetteer = gazetteer_or_503()
    found = gazetteer.departement(code)
    if found is None:
        return other_territory(gazetteer, code)
    outline = departement_areas(gazetteer)
    outline = outline[outline["code"] == found["code"]]
    return render_territory(Territory(
        level="departement", name=found["name"], title=f"{found['name']} ({found['code']})",
        filters={"departement": found["code"]},
        outlines=commune_areas(gazetteer, found["code"]), key="insee",
        column=Initiative.insee, area_url=commune_page, bounds=bounds_of(outline),
        parents=region_crumbs(gazetteer, found["region"]),
        directory=url_for("public.departement_directory", code=found["code"]),
    ))


def other_territory(gazetteer: Gazetteer, code: str):
    """Redirect a commune's INSEE code or an EPCI's SIREN to its page; 404 otherwise."""
    filters = query_string(request.args)
    if (commune := gazetteer.get(code)) is not None:
        return redirect(commune_page(commune.insee) + filters, 301)
    if code.isdigit() and (epci := gazetteer.epci(code)) is not None:
        return redirect(url_for("public.epci", siren=epci["code"]) + filters, 301)
    abort(404, _("Aucun département, aucune commune ni intercommunalité ne porte ce code."))


@bp.get("/territoires/epci/<siren>")
def epci(siren: str):
    """An intercommunality (EPCI): initiatives per commune."""
    gazetteer = gazetteer_or_503()
    found = found_or_404(gazetteer.epci(siren) if siren.isdigit() else None,
                         _("Aucune intercommunalité ne porte ce numéro SIREN."))
    outlines = epci_areas(gazetteer, found)
    return render_territory(Territory(
        level="epci", name=found["name"], title=found["name"], filters={"epci": found["code"]},
        outlines=outlines, key="insee", column=Initiative.insee, area_url=commune_page,
        bounds=bounds_of(outlines),
        parents=departement_crumbs(gazetteer, found["departements"][0]),
        directory=url_for("public.epci_directory", siren=found["code"]),
    ))


@bp.get("/territoires/commune/<insee>")
def commune(insee: str):
    """A commune: its initiatives on the map, counted and listed."""
    gazetteer = gazetteer_or_503()
    found = found_or_404(gazetteer.get(insee), _("Aucune commune ne porte ce code INSEE."))
    if found.insee != insee:  # typed in lower case ("2a004")
        return redirect(commune_page(found.insee) + query_string(request.args), 301)
    outline = commune_areas(gazetteer, found.departement)
    outline = outline[outline["insee"] == found.insee]
    parents = departement_crumbs(gazetteer, found.departement)
    if found.epci:
        parents.append((found.epci_name or found.epci, url_for("public.epci", siren=found.epci)))
    return render_territory(Territory(
        level="commune", name=found.name, title=f"{found.name} ({found.insee})",
        filters={"commune": found.insee}, outlines=outline, key="insee",
        column=Initiative.insee, area_url=commune_page,
        bounds=bounds_of(outline) or bounds_around(found.lon, found.lat), parents=parents,
        directory=url_for("public.commune_directory", insee=found.insee),
    ))


@bp.get("/territoires/communes.json")
def commune_suggestions():
    """Communes matching a typed name, postcode or INSEE code, for the filter's autocomplete."""
    query = (request.args.get("q") or "").strip()[:100]
    try:
        communes = current_gazetteer().search(query, SUGGESTIONS) if query else []
    except GazetteerMissing:
        communes = []
    return jsonify([{"insee": c.insee, "name": c.name, "departement": c.departement,
                     "label": f"{c.name} ({c.insee})"} for c in communes])
