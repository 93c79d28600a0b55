"""The map-page scenario's bookkeeping of the map's data requests (issue 19)."""

from benchmarks.scenarios.map_page import DataTraffic, departement_box


class Request:
    """A Playwright request as the handlers see it: its URL and sizes, or a closed target."""

    def __init__(self, url: str, body: int = 0, gone: bool = False):
        self.url, self.body, self.gone = url, body, gone

    def sizes(self) -> dict:
        if self.gone:
            raise RuntimeError("Target page, context or browser has been closed")
        return {"responseBodySize": self.body, "responseHeadersSize": 100}


def test_a_request_finishing_after_its_page_closed_is_counted_without_its_size():
    traffic = DataTraffic()
    weighed, cut = Request("/api/v1/map/tiles/6/32/22.json", 900), \
        Request("/api/v1/map/tiles/6/33/22.json", gone=True)
    for request in (weighed, cut):
        traffic.started(request)
    traffic.finished(weighed)
    traffic.finished(cut)  # sizes() raises: kept by the handler, never escaping
    assert (traffic.sizes, traffic.unweighed, traffic.pending) == ([1000], 1, set())


def test_only_the_map_data_is_weighed_and_failures_end_their_wait():
    traffic = DataTraffic()
    page, failed = Request("/static/js/map.js", 5000), Request("/api/v1/map/points")
    for request in (page, failed):
        traffic.started(request)
    traffic.finished(page)
    traffic.failed(failed)
    assert (traffic.sizes, traffic.unweighed, traffic.pending) == ([], 1, set())


def test_the_departement_moved_to_has_a_box_in_france():
    west, south, east, north = departement_box("69")
    assert 4.2 < west < east < 5.2 and 45.4 < south < north < 46.4
