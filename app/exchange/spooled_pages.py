"""Pages too long to hold as one string (an import's report of 100,000 rows): rendered a
piece at a time into a temporary file, then sent from it.

Rendered whole within the request, unlike a streamed template: an error while rendering
still gets its error page, and the request's contexts end with the request (a template
streamed to the client keeps them until the client has read it all).
"""

import tempfile

from flask import Response, request, stream_template
from werkzeug.wsgi import wrap_file


def spooled_template(name: str, **context) -> Response:
    """Render a template into a temporary file and answer with that file, read as sent."""
    file = tempfile.TemporaryFile(prefix="maillage-page-")
    try:
        for piece in stream_template(name, **context):
            file.write(piece.encode())
        size = file.tell()
        file.seek(0)
    except BaseException:
        file.close()
        raise
    response = Response(wrap_file(request.environ, file), mimetype="text/html",
                        direct_passthrough=True)
    response.content_length = size
    return response
