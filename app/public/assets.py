"""Front-end libraries served from their PyPI (XStatic) packages, never from a CDN."""

from flask import abort, send_from_directory

from app.public import bp
from app.web.maps import VENDOR_PACKAGES

# Their URLs carry the package version (?v=), so browsers may keep them long.
VENDOR_MAX_AGE = 365 * 24 * 3600


@bp.get("/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str):
    """A file of a vendored library (Leaflet, its CSS and images)."""
    module = VENDOR_PACKAGES.get(package)
    if module is None:
        abort(404)
    return send_from_directory(module.BASE_DIR, filename, max_age=VENDOR_MAX_AGE)

