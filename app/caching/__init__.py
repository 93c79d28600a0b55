"""Every cache of the app: what each keeps, where, and for how long.

Nothing is ever invalidated: a key says everything its value depends on (a fingerprint,
app.initiatives.fingerprints: the data version, app.initiatives.data_versions, with the
statement and its parameters; the URL, host and language), so a change makes new
keys and the stale ones age out.

Per worker process, in memory: `bounded.app_cache(name, budget)`, one `BoundedCache` per
name in the running app's extensions, least recently used dropped first beyond its budget.
- "responses" (`responses.py`, 64 MB, RESPONSE_CACHE_BYTES): built API bodies, small
  exports and the lists' Atom feeds (app.public.feeds), by ETag and site root (`conditional`);
  map tiles by their key (`conditional_shared`: the data version, tile, filters, database).
- "pages" (`pages.py`, 16 MB, PAGE_CACHE_BYTES): initiative pages for anonymous visitors,
  by the page's stamp, URL, host and language, with a nonce placeholder; in the page files
  too, where their key adds the database and the code's stamp (`code_stamp.py`).
- "facets", "area_counts" (app.public.services, 256 entries each): the list's and map's
  counts by theme and kind, by fingerprint and filters; those slower than 50 ms to count
  are also written to the page files (`shared_values.py`), read by the other workers.
- "territory_maps" (app.public.territory_pages, 16 M characters): rendered choropleths;
  "territory_areas" (36 entries): simplified outlines per gazetteer and département;
  "territory_links" (app.public.initiative_page, 4,096 entries): an initiative page's
  links to its commune, EPCI, département and région, by locale and script root.

Shared by the workers, on disk: `page_files.py` (512 MB under instance/cache/api-pages,
API_PAGE_FILES_*): large collection pages, written once while streamed, and printed
directories (app.public.directory_routes, by ETag of their rows and URL, layout, language and
day, site and database), written once built, and map tiles slower than 50 ms to build
(app.api.tiles, by data version, tile, filters and database), the kept initiative
pages, and facet and territory counts slower than 50 ms (`shared_values.py`, as JSON, by
their key, database and code stamp); sent with sendfile, kept across restarts, least
recently used removed beyond the budget (each process lists the directory after writing
1/64 of it).

In the clients and proxies: `responses.py` gives every API, export and feed answer its ETag
(and a Last-Modified where known without a scan: one initiative, a feed's 50 entries), and
answers 304 before loading a row (max-age 60 s for the data, 300 s for
exports, feeds and themes, an hour for communes and the OpenAPI document).

In the database: app.initiatives.stored_features keeps each public initiative's serialised
GeoJSON feature in initiatives.public_feature, rebuilt in the transaction that changes the
initiative or its themes. It is data kept in step, not a cache: it is never stale.

Below this layer (the core and app.web may not import it), pure functions are memoised per
process with functools.lru_cache: the gazetteer opened once per file (app.geo.gazetteer), a
name's character masks (app.initiatives.duplicates), rendered Markdown (app.web.markdown)
and the map of a point (app.web.maps).
"""
