"""The map tiles' part of the OpenAPI document: their schema and path."""

from flask_babel import gettext as _

from app.geo.tiles import MAX_ZOOM
from app.models import KINDS

LON = {"type": "number", "minimum": -180, "maximum": 180}
LAT = {"type": "number", "minimum": -90, "maximum": 90}


def closed(properties: dict, required: list | None = None) -> dict:
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required,
            "additionalProperties": False}


def schemas() -> dict:
    count = {"type": "integer", "minimum": 0}
    cluster = closed({
        "count": {"type": "integer", "minimum": 2}, "lon": LON, "lat": LAT,
        "bbox": {"type": "array", "items": {"type": "number"}, "minItems": 4,
                 "maxItems": 4, "description": _("Emprise de ses initiatives : minlon, "
                                                 "minlat, maxlon, maxlat.")},
        "ids": {"type": "array", "items": {"type": "integer"}, "maxItems": 10,
                "description": _("Quand zoomer ne les sépare pas (un même lieu, ou le zoom "
                                 "le plus proche) : les identifiants des premières.")},
    }, required=["count", "lon", "lat", "bbox"])
    point = closed({"id": {"type": "integer"}, "lon": LON, "lat": LAT, "name": {"type": "string"},
                    "kind": {"enum": list(KINDS)},
                    "theme": {"type": ["string", "null"], "description": _(
                        "La catégorie principale (de premier niveau).")}})
    return {"MapTile": closed({
        "z": count, "x": count, "y": count,
        "count": {**count, "description": _("Initiatives de la tuile (avec un point).")},
        "clusters": {"type": "array", "items": cluster},
        "points": {"type": "array", "items": point},
    })}


def paths(filter_parameters: list, responses) -> dict:
    """/map/tiles/{z}/{x}/{y}.json."""
    def part(name: str, highest: int, text: str) -> dict:
        return {"name": name, "in": "path", "required": True, "description": text,
                "schema": {"type": "integer", "minimum": 0, "maximum": highest}}

    side = (1 << MAX_ZOOM) - 1
    return {"/map/tiles/{z}/{x}/{y}.json": {"get": {
        "summary": _("Les regroupements de la carte sur une tuile (z/x/y, Web Mercator)"),
        "description": _(
            "Chaque tuile est découpée en 4 × 4 cellules : une cellule d'une seule initiative "
            "donne un point, une cellule de plusieurs un regroupement. Les initiatives qui "
            "couvrent tout un territoire n'ont pas de point et n'y figurent pas. x et y "
            "vont de 0 à 2^z − 1."),
        "parameters": [part("z", MAX_ZOOM, _("Niveau de zoom.")),
                       part("x", side, _("Colonne de la tuile.")),
                       part("y", side, _("Ligne de la tuile.")), *filter_parameters],
        "responses": responses("MapTile", "application/json", 400, 404),
    }}}
