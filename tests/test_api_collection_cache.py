"""Large collection pages written once to files shared by the workers (app.caching)."""

import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from werkzeug.test import EnvironBuilder

from app.api import services
from app.api.services import PageChanged
from app.caching import page_files
from app.caching.page_files import PageFiles
from app.database import write_transaction
from app.extensions import db
from app.initiatives.services import update_initiative
from app.models import Initiative
from tests.factories import make_initiative

URL = "/api/v1/initiatives"
SAME_HEADERS = ("Content-Type", "ETag", "Last-Modified", "Cache-Control", "Link",
                "Access-Control-Allow-Origin", "Access-Control-Expose-Headers")


@pytest.fixture
def pages(app, tmp_path) -> Path:
    """Every non-empty page goes to a file, in a directory of this test's own."""
    directory = tmp_path / "pages"
    app.config.update(API_PAGE_FILES_DIR=str(directory), API_PAGE_FILES_MIN_FEATURES=1)
    return directory


@pytest.fixture
def three(app):
    return [make_initiative(f"Maison {n}", summary=f"Résumé {n}", kind="place", status="published",
                            private_email=None, themes=None) for n in range(3)]


def fetch(client, url: str, **options):
    """GET, the streamed body read before the request's contexts end (as a server does)."""
    answer = client.get(url, buffered=True, **options)
    page_files.settle()  # its page file written
    return answer


def page_names(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.glob("*.page"))


def leftovers(directory: Path) -> list[str]:
    """Files of the directory that are not complete pages (temporaries)."""
    return sorted(path.name for path in directory.iterdir() if path.suffix != ".page")


def in_memory(app, client, url: str):
    """The same request answered by the memory path, built afresh (no file, no cache)."""
    app.config.update(API_PAGE_FILES_MIN_FEATURES=10**9, RESPONSE_CACHE_BYTES=0)
    try:
        return fetch(client, url)
    finally:
        app.config.update(API_PAGE_FILES_MIN_FEATURES=1)


@pytest.mark.parametrize("url", [URL, f"{URL}?limit=2", f"{URL}?limit=2&cursor=YWZ0ZXI6Mg"])
def test_page_from_its_file_is_the_page_built_afresh(app, client, pages, three, url):
    streamed = fetch(client, url)
    assert page_names(pages) and not leftovers(pages)
    from_file = fetch(client, url)
    fresh = in_memory(app, client, url)
    assert streamed.status_code == from_file.status_code == fresh.status_code == 200
    assert streamed.data == from_file.data == fresh.data
    assert from_file.content_length == len(fresh.data)
    for name in SAME_HEADERS:
        assert streamed.headers.get(name) == from_file.headers.get(name) == \
            fresh.headers.get(name), name


def test_next_link_header_is_sent_again_from_the_file(client, pages, three):
    first = fetch(client, f"{URL}?limit=2")
    again = fetch(client, f"{URL}?limit=2")
    assert again.headers["Link"] == first.headers["Link"]
    assert again.headers["Link"].endswith('>; rel="next"')
    assert again.get_json()["next_cursor"] == first.get_json()["next_cursor"]


def test_changed_initiative_gives_a_new_etag_and_a_new_file(client, pages, three):
    before = fetch(client, URL)
    with write_transaction():
        update_initiative(three[0], {"summary": "Changé"}, author=None)
    after = fetch(client, URL)
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.get_json()["features"][0]["properties"]["summary"] == "Changé"
    assert len(page_names(pages)) == 2
    assert fetch(client, URL).data == after.data


def test_revalidation_answers_304_without_a_body(client, pages, three):
    first = fetch(client, URL)
    answer = fetch(client, URL, headers={"If-None-Match": first.headers["ETag"]})
    assert answer.status_code == 304 and answer.data == b""
    assert answer.headers["ETag"] == first.headers["ETag"]
    assert answer.headers["Cache-Control"] == "public, max-age=60"


def test_a_collection_states_no_date_it_would_have_to_read_every_row_for(client, pages, three):
    """Its ETag comes from the data version (issue 19): If-Modified-Since alone, with no
    Last-Modified to compare it with, gets the body, never a 304 on a guess."""
    first = fetch(client, URL)
    assert "Last-Modified" not in first.headers
    answer = fetch(client, URL, headers={"If-Modified-Since": "Sun, 06 Dec 2099 07:00:00 GMT"})
    assert answer.status_code == 200 and answer.data == first.data


def test_each_site_root_has_its_own_file(app, client, pages, three):
    here = fetch(client, URL).get_json()["features"][0]["properties"]["url"]
    other = fetch(client, URL, base_url="https://autre.example").get_json()
    assert here.startswith("http://localhost/initiatives/")
    assert other["features"][0]["properties"]["url"].startswith("https://autre.example/")
    app.config["PUBLIC_URL"] = "https://maillage.example/"
    public = fetch(client, URL).get_json()["features"][0]["properties"]["url"]
    assert public.startswith("https://maillage.example/initiatives/")
    assert len(page_names(pages)) == 3


def test_small_pages_stay_in_memory(app, client, pages, three):
    app.config["API_PAGE_FILES_MIN_FEATURES"] = 4
    assert fetch(client, URL).status_code == 200
    assert not pages.exists() or not page_names(pages)


def test_page_files_can_be_turned_off(app, client, pages, three):
    app.config["API_PAGE_FILES_BYTES"] = 0
    first = fetch(client, URL)
    assert fetch(client, URL).data == first.data
    assert not pages.exists()


def test_page_changed_before_it_was_read_is_never_sent_nor_kept(app, pages, three):
    # Driven as a server does: the view answers (ETag chosen), the body is read afterwards.
    body = app.wsgi_app(EnvironBuilder(path=URL).get_environ(), lambda *_args: None)
    with write_transaction():
        initiative = db.session.get(Initiative, three[1].id)
        update_initiative(initiative, {"summary": "Entre-temps"}, author=None)
    with pytest.raises(PageChanged):
        b"".join(body)
    page_files.settle()
    assert not page_names(pages) and not leftovers(pages)


def test_small_page_changed_before_it_was_read_is_sent_newer_than_its_etag(
        app, client, three, monkeypatch):
    # A write lands between the ETag and the rows: the page answers, counted from its rows.
    app.config.update(API_PAGE_FILES_MIN_FEATURES=10**9)
    read_rows = services.collection_page

    def write_first(query):
        with write_transaction():
            update_initiative(db.session.get(Initiative, three[1].id),
                              {"summary": "Entre-temps"}, author=None)
        return read_rows(query)

    monkeypatch.setattr(services, "collection_page", write_first)
    answer = client.get(URL)
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["numberReturned"] == len(body["features"]) == 3
    assert "Entre-temps" in {feature["properties"]["summary"] for feature in body["features"]}
    monkeypatch.undo()
    fresh = client.get(URL)
    assert fresh.headers["ETag"] != answer.headers["ETag"]
    assert fresh.get_json()["features"] == body["features"]


# The store itself, on real files.

def written(files: PageFiles, key: str, chunks: list[bytes]) -> bytes:
    body = b"".join(files.tee(key, "application/geo+json", {"Link": "<x>"}, iter(chunks)))
    page_files.settle()
    return body


def read_back(files: PageFiles, key: str) -> bytes | None:
    stored = files.open(key)
    if stored is None:
        return None
    with stored.file:
        return stored.file.read()


def wait_for_temporary(directory: Path) -> None:
    """Wait until the writer thread has its temporary file open."""
    for _ in range(500):
        if directory.exists() and leftovers(directory):
            return
        time.sleep(0.01)
    raise AssertionError("no page file was started")


def test_least_recently_used_pages_go_beyond_the_byte_budget(tmp_path):
    files = PageFiles(tmp_path, max_bytes=3500)  # three pages of 1,000 bytes and their line
    for age, key in enumerate("abc"):
        written(files, key, [key.encode() * 1000])
        os.utime(files.path(key), (time.time() - 100 + age,) * 2)
    assert read_back(files, "a") is not None  # used now: the most recent
    written(files, "d", [b"d" * 1000])
    assert [read_back(files, key) is not None for key in "abcd"] == [True, False, True, True]


def test_an_error_mid_write_leaves_no_file(tmp_path):
    files = PageFiles(tmp_path, max_bytes=10**6)

    def failing():
        yield b'{"features":['
        raise OSError("the database went away")

    with pytest.raises(OSError):
        b"".join(files.tee("k", "application/geo+json", {}, failing()))
    page_files.settle()
    assert list(tmp_path.iterdir()) == []


def test_a_client_gone_mid_page_leaves_no_file(tmp_path):
    files = PageFiles(tmp_path, max_bytes=10**6)
    chunks = files.tee("k", "application/geo+json", {}, iter([b"one", b"two", b"three"]))
    assert next(chunks) == b"one"
    chunks.close()  # what the server does when the client disconnects
    page_files.settle()
    assert list(tmp_path.iterdir()) == []


def test_a_worker_killed_mid_write_leaves_no_page(tmp_path):
    files = PageFiles(tmp_path, max_bytes=10**6)
    pid = os.fork()
    if pid == 0:  # the worker: half a page, then killed
        chunks = files.tee("k", "application/geo+json", {}, iter([b"half", b"rest"]))
        next(chunks)
        wait_for_temporary(tmp_path)
        os._exit(9)
    os.waitpid(pid, 0)
    assert files.open("k") is None and not page_names(tmp_path)
    [temporary] = leftovers(tmp_path)
    os.utime(tmp_path / temporary, (time.time() - page_files.STALE_TEMP_SECONDS - 1,) * 2)
    files.evict()
    assert list(tmp_path.iterdir()) == []


def test_concurrent_writers_of_one_page_leave_one_whole_file(tmp_path):
    files = PageFiles(tmp_path, max_bytes=10**6)
    body = [b"x" * 5000, b"y" * 5000, b"z" * 5000]
    halfway = threading.Barrier(4)

    def writer():
        chunks = files.tee("k", "application/geo+json", {}, iter(body))
        next(chunks)
        halfway.wait()  # every writer has its temporary file open
        for _ in chunks:
            assert read_back(files, "k") in (None, b"".join(body))

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    page_files.settle()
    assert read_back(files, "k") == b"".join(body)
    assert len(page_names(tmp_path)) == 1 and not leftovers(tmp_path)


def test_a_file_cut_short_on_disk_is_not_served(tmp_path):
    files = PageFiles(tmp_path, max_bytes=10**6)
    written(files, "k", [b"0123456789"])
    path = files.path("k")
    path.write_bytes(path.read_bytes()[:-3])  # as a power cut before the data was flushed
    assert files.open("k") is None
    assert files.open("another key") is None
    for garbage in (b"", b"not a page at all\n", b"0000000000000002 {}\nab"):
        path.write_bytes(garbage)
        assert files.open("k") is None


def test_head_answers_the_headers_and_writes_no_file(client, pages, three):
    head = client.head(URL)
    assert head.status_code == 200 and head.data == b""
    assert not pages.exists() or not page_names(pages)
    assert head.headers["ETag"] == fetch(client, URL).headers["ETag"]
    assert client.head(URL).headers["Content-Length"] == str(len(fetch(client, URL).data))


def test_a_feature_not_stored_yet_is_built_into_the_streamed_page(app, client, pages, three):
    with db.engine.begin() as connection:  # as a bulk load around the session leaves it
        connection.execute(Initiative.__table__.update().where(Initiative.id == three[1].id)
                           .values(public_feature=None))
    streamed = fetch(client, URL)
    assert [f["properties"]["name"] for f in streamed.get_json()["features"]] == \
        ["Maison 0", "Maison 1", "Maison 2"]
    assert streamed.data == in_memory(app, client, URL).data


def test_directory_emptied_mid_write_still_sends_the_whole_page(tmp_path):
    files = PageFiles(tmp_path / "pages", max_bytes=10**6)
    chunks = files.tee("k", "application/geo+json", {}, iter([b"one", b"two"]))
    assert next(chunks) == b"one"
    wait_for_temporary(tmp_path / "pages")
    shutil.rmtree(tmp_path / "pages")  # an operator emptying the cache
    assert list(chunks) == [b"two"]
    page_files.settle()
    assert files.open("k") is None


def test_small_pages_list_the_directory_once_per_share_of_the_budget(tmp_path, monkeypatch):
    files = PageFiles(tmp_path, max_bytes=page_files.EVICTION_SHARE * 1000)
    looks = []
    monkeypatch.setattr(PageFiles, "evict", lambda self: looks.append(self.directory))
    monkeypatch.setitem(page_files.WRITTEN_SINCE_EVICTION, tmp_path, 0)
    for number in range(25):  # 100 bytes each: 1,000 bytes written every ten pages
        written(files, f"page-{number}", [b"x" * 100])
    assert looks == [tmp_path, tmp_path]
