"""Distances on the ground between points and outlines given in longitude and latitude."""

import math

import numpy as np
import shapely

# The mean radius of WGS84, the sphere of ST_DistanceSphere for SRID 4326: Python and both
# databases measure on the same sphere.
EARTH_RADIUS_M = 6371008.7714
METRES_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def half_sizes(lat: float, radius_m: float) -> tuple[float, float]:
    """Degrees of longitude and latitude on each side of a point holding a circle around it."""
    dlat = radius_m / METRES_PER_DEGREE
    widest = min(89.9, abs(lat) + dlat)  # the parallel where the circle is widest in degrees
    dlon = 180.0 if abs(lat) + dlat >= 89.9 else dlat / math.cos(math.radians(widest))
    return dlon, dlat


def box_around(lon: float, lat: float, radius_m: float) -> tuple[float, float, float, float]:
    """The lon/lat box holding every point within radius_m of (lon, lat), clipped to the world."""
    dlon, dlat = half_sizes(lat, radius_m)
    return (max(-180.0, lon - dlon), max(-90.0, lat - dlat),
            min(180.0, lon + dlon), min(90.0, lat + dlat))


def boxes_around(lon: float, lat: float,
                 radius_m: float) -> list[tuple[float, float, float, float]]:
    """The lon/lat boxes holding every point within radius_m of (lon, lat): one, or two when
    the circle crosses the antimeridian (Wallis-et-Futuna), the part past ±180° brought back
    on the other side."""
    box = box_around(lon, lat, radius_m)
    dlon, _ = half_sizes(lat, radius_m)
    south, north = box[1], box[3]
    if dlon >= 180.0:
        return [(-180.0, south, 180.0, north)]
    if lon - dlon < -180.0:
        return [box, (lon - dlon + 360.0, south, 180.0, north)]
    if lon + dlon > 180.0:
        return [box, (-180.0, south, lon + dlon - 360.0, north)]
    return [box]


def outline_distance_m(outline: shapely.Geometry, lon: float, lat: float) -> float:
    """Metres from a point to the nearest part of an outline; 0 when the outline covers it.

    The nearest part is found in a plane centred on the point (longitudes shrunk by the
    cosine of its latitude, which keeps the few kilometres that matter exact), then
    measured on the sphere.
    """
    point = shapely.Point(lon, lat)
    if outline.covers(point):
        return 0.0
    scale = max(math.cos(math.radians(lat)), 0.01)
    origin = np.array((lon, lat))
    flat = shapely.transform(outline, lambda xy: (xy - origin) * (scale, 1.0))
    nearest = shapely.shortest_line(shapely.Point(0, 0), flat).coords[1]
    return distance_m(lon, lat, nearest[0] / scale + lon, nearest[1] + lat)
