"""The dossiers in the API: their index and each one with its sources and initiatives."""

from app.api import bp
from app.api.errors import ApiError
from app.initiatives.dossiers import all_dossiers, dossier_by_slug, members, public_counts
from app.initiatives.geojson import iso_utc
from app.initiatives.sources import sources_of
from app.models import Dossier
from app.web.http import content_conditional
from app.web.urls import absolute_url, page_url

MAX_AGE = 300


def summary_of(dossier: Dossier, count: int) -> dict:
    """What the index says of a dossier, with the links to its page and its initiatives."""
    return {"slug": dossier.slug, "title": dossier.title, "initiatives_count": count,
            "url": absolute_url("public.dossier", slug=dossier.slug),
            "initiatives_url": absolute_url("api.initiatives", dossier=dossier.slug),
            "updated_at": iso_utc(dossier.updated_at)}


@bp.get("/dossiers")
def dossiers():
    """Every dossier, with how many public initiatives it holds."""
    counts = public_counts()
    return content_conditional(
        {"dossiers": [summary_of(dossier, counts.get(dossier.id, 0))
                      for dossier in all_dossiers()]}, max_age=MAX_AGE)


@bp.get("/dossiers/<slug>")
def dossier(slug: str):
    """One dossier: its introduction (Markdown), its sources and its public initiatives."""
    found = dossier_by_slug(slug) if len(slug) <= 80 else None
    if found is None:
        raise ApiError(404, "not_found", f"No dossier with slug {slug[:80]!r}.")
    initiatives = [{"id": initiative.id, "name": initiative.name,
                    "url": page_url(initiative, _external=True)} for initiative in members(found)]
    body = {**summary_of(found, len(initiatives)), "introduction": found.introduction,
            "sources": sources_of(found), "initiatives": initiatives,
            "created_at": iso_utc(found.created_at)}
    return content_conditional(body, max_age=MAX_AGE)

