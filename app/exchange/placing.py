"""Where an imported row is: a point from its geometry, or a commune from the gazetteer."""

from app.geo.gazetteer import Commune, Gazetteer
from app.text import fold

SHAPES = ("LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection")
# MultiPolygon coordinates are the deepest GeoJSON nesting: 4 levels of lists.
MAX_DEPTH = 4


class PlaceProblem(ValueError):
    """Why a row cannot be placed on the map (in French, shown in the report)."""


def geometry_point(geometry: dict | None, shapes_to_points: bool) -> tuple[float, float]:
    """The (lon, lat) of a Point geometry, or of a point inside a shape when asked."""
    if geometry is None:
        raise PlaceProblem("Pas de géométrie.")
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Point":
        return position(coordinates)
    if kind == "MultiPoint" and isinstance(coordinates, list) and len(coordinates) == 1:
        return position(coordinates[0])
    if kind not in (*SHAPES, "MultiPoint"):
        raise PlaceProblem(f"Géométrie inconnue ({str(kind)[:30]}).")
    if not has_position(geometry):
        raise PlaceProblem("Géométrie vide.")
    if not shapes_to_points:
        raise PlaceProblem(f"Pas un point ({kind}) : ignoré ; choisissez de convertir les "
                           "lignes et polygones en points (--shapes-to-points) pour l'importer.")
    return inner_point(geometry)


def position(coordinates) -> tuple[float, float]:
    """The longitude and latitude of a GeoJSON position."""
    if not isinstance(coordinates, list) or not coordinates:
        raise PlaceProblem("Géométrie vide.")
    lon_lat = coordinates[:2]
    if len(lon_lat) < 2 or not all(is_number(value) for value in lon_lat):
        raise PlaceProblem("Coordonnées illisibles (deux nombres attendus).")
    return float(lon_lat[0]), float(lon_lat[1])


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def has_position(geometry: dict, depth: int = 0) -> bool:
    """Whether a geometry holds at least one position (uMap drops empty ones)."""
    if geometry.get("type") == "GeometryCollection":
        parts = geometry.get("geometries")
        return isinstance(parts, list) and any(
            isinstance(part, dict) and depth < MAX_DEPTH and has_position(part, depth + 1)
            for part in parts)
    return holds_position(geometry.get("coordinates"), 0)


def holds_position(coordinates, depth: int) -> bool:
    if not isinstance(coordinates, list) or not coordinates or depth > MAX_DEPTH:
        return False
    if all(is_number(value) for value in coordinates[:2]) and len(coordinates) >= 2:
        return True
    return any(holds_position(item, depth + 1) for item in coordinates)


def inner_point(geometry: dict) -> tuple[float, float]:
    """A point on a line or inside a polygon (unclosed or self-crossing rings repaired)."""
    import shapely
    from shapely.geometry import shape

    try:
        shapely_geometry = shapely.make_valid(shape(geometry))
    except (ValueError, TypeError, AttributeError, KeyError, IndexError) as error:
        raise PlaceProblem(f"Géométrie invalide : {str(error)[:80]}.") from None
    if shapely_geometry.is_empty:
        raise PlaceProblem("Géométrie vide.")
    point = shapely_geometry.representative_point()
    return round(point.x, 6), round(point.y, 6)


def find_commune(gazetteer: Gazetteer, insee: str, name: str, postcode: str) -> Commune:
    """The commune named by an INSEE code, a postcode and/or a name; raise PlaceProblem."""
    if insee:
        commune = gazetteer.get(code5(insee))
        if commune is None:
            raise PlaceProblem(f"Commune inconnue : code INSEE {insee[:10]}.")
        return commune
    if postcode:
        return by_postcode(gazetteer, code5(postcode), name)
    return by_name(gazetteer, name)


def code5(code: str) -> str:
    """A code whose leading zero a spreadsheet dropped ("1001" → "01001")."""
    code = code.strip().upper()
    return code.zfill(5) if code.isdigit() and len(code) == 4 else code


def by_postcode(gazetteer: Gazetteer, postcode: str, name: str) -> Commune:
    found = [c for c in gazetteer.search(postcode, 60) if postcode in c.postcodes]
    if name:
        found = [c for c in found if fold(c.name) == fold(name)] or found
    return only_one(found, f"Code postal inconnu : {postcode[:10]}.",
                    f"Le code postal {postcode} couvre {len(found)} communes : "
                    "précisez le nom ou le code INSEE.")


def by_name(gazetteer: Gazetteer, name: str) -> Commune:
    found = [c for c in gazetteer.search(name, 20) if fold(c.name) == fold(name)]
    return only_one(found, f"Commune inconnue : {name[:60]}.",
                    f"{len(found)} communes s'appellent {name[:60]} : "
                    "ajoutez le code postal ou le code INSEE.")


def only_one(found: list[Commune], when_none: str, when_several: str) -> Commune:
    """The single commune found, or the reason there is not exactly one."""
    if len(found) != 1:
        raise PlaceProblem(when_several if found else when_none)
    return found[0]
