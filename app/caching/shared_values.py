"""Small values costly to count (the facets at a million rows), shared by the workers.

Each worker keeps them in memory (bounded.app_cache); the first to count one slowly also
writes it, as JSON, to the page files (responses.shared_body), so the other workers and a
restarted server read it there instead of counting again. The key must say everything the
value depends on (a fingerprint of the rows, the filters); the file's key adds the database
and the code's stamp (code_stamp.py), as counting code may change with a deployment.
"""

from collections.abc import Callable

import orjson

from app.caching.bounded import app_cache
from app.caching.code_stamp import code_stamp
from app.caching.responses import shared_body
from app.extensions import db


def shared_value(name: str, key, build: Callable[[], object], kept: int,
                 dump: Callable = lambda value: value, load: Callable = lambda data: data):
    """The value of this key in the worker's cache called name (of kept entries), else in
    the page files, else built and kept in both. dump and load turn it to JSON and back."""
    cache = app_cache(name, kept)
    value = cache.get(key)
    if value is None:
        body = shared_body(file_key(name, key), lambda: orjson.dumps(dump(build())),
                           "application/json")
        value = load(orjson.loads(body))
        cache.put(key, value)
    return value


def file_key(name: str, key) -> str:
    """The page files' key of a value computed by this code from this database's rows."""
    database = db.engine.url.render_as_string(hide_password=True)
    return f"{name}|{key!r}|{database}|{code_stamp()}"
