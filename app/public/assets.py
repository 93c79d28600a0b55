"""Front-end libraries served from their PyPI (XStatic) packages, never from a CDN."""

import xstatic.pkg.leaflet
from flask import abort, send_from_directory, url_for

from app.public import bp

VENDOR_PACKAGES = {
    "leaflet": xstatic.pkg.leaflet,
}
# Their URLs carry the package version (?v=), so browsers may keep them long.
VENDOR_MAX_AGE = 365 * 24 * 3600


@bp.get("/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str):
    """A file of a vendored library (Leaflet, its CSS and images)."""
    module = VENDOR_PACKAGES.get(package)
    if module is None:
        abort(404)
    return send_from_directory(module.BASE_DIR, filename, max_age=VENDOR_MAX_AGE)


def vendor_url(package: str, filename: str) -> str:
    """The URL of a vendored file, versioned so that an upgrade reaches every browser."""
    return url_for("public.vendor", package=package, filename=filename,
                   v=VENDOR_PACKAGES[package].VERSION)
