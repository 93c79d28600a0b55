"""A stamp of the code that renders pages, so markup kept on disk is never sent by other code.

Kept pages outlive a worker in the page files (app.caching.page_files): after a deployment
changing a template, a view or a translation, a page whose data did not change would
otherwise be sent as the former code rendered it.
"""

import functools
import hashlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
# What a page's markup comes from: the Python sources, the compiled translations, the templates.
SOURCES = ((PACKAGE, "*.py"), (PACKAGE, "*.mo"), (PACKAGE.parent / "templates", "*.*"))


@functools.cache
def code_stamp() -> str:
    """A hash of the files pages are rendered from, read once per process (about 1.4 MB)."""
    digest = hashlib.sha256()
    for root, pattern in SOURCES:
        for path in sorted(root.rglob(pattern)):
            if path.is_file():
                digest.update(str(path.relative_to(root)).encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
