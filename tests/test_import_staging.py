"""A staged import's rows: kept in chunks, read back a chunk at a time, the upload spooled to
a temporary file, the commit's claim and the long pages sent from a file."""

import json
import re
import tempfile
import threading
import time

import pytest
import sqlalchemy as sa

from app.database import write_transaction
from app.exchange import staging
from app.exchange.file_sources import CsvFileRows
from app.exchange.sources import parse_source
from app.extensions import db
from app.models import Initiative, Revision, StagedImport, StagedImportChunk
from tests.factories import sign_in
from tests.test_import_web import forget_loaded_user, mapping_form, token_of, upload

NAMES = ["Atelier vélo", "Fablab des Prés", "Jardin partagé", "Repair café", "Ressourcerie",
         "Grainothèque", "Chorale populaire"]
CSV = "Titre;Ville;Texte\n" + "".join(f"{name};Cluny;Numéro {n}\n"
                                       for n, name in enumerate(NAMES, start=1))


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(staging, "CHUNK_ROWS", 2)


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def chunks_of(token: str) -> list[int]:
    return db.session.scalars(sa.select(StagedImportChunk.position).where(
        StagedImportChunk.token == token).order_by(StagedImportChunk.position)).all()


def test_a_file_of_several_chunks_goes_through_the_four_pages_in_order(client, themes,
                                                                       small_chunks):
    sign_in(client, "moderator")
    token = token_of(upload(client, CSV))
    assert chunks_of(token) == [0, 1, 2, 3]  # 7 rows, 2 a chunk
    mapping = client.get(f"/import/{token}").get_data(as_text=True)
    assert "7 lignes ou objets" in mapping
    sample = re.search(r'<table class="table import-sample">.*?</table>', mapping, re.S)[0]
    assert re.findall(r"<td>([^<]*)</td><td>Cluny</td>", sample) == NAMES[:5]
    preview = client.post(f"/import/{token}/apercu", data=mapping_form())
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert re.findall(r'<th scope="row">ligne (\d+)</th><td>([^<]*)</td>', page) == [
        (str(line), name) for line, name in enumerate(NAMES, start=2)]
    assert "7 seront créées" in page
    done = client.post(f"/import/{token}/valider", data=mapping_form())
    assert done.status_code == 200
    assert "7 initiatives écrites depuis ateliers.csv." in done.get_data(as_text=True)
    written = db.session.execute(sa.select(Initiative.name, Initiative.description).order_by(
        Initiative.id)).all()
    assert written == [(name, f"Numéro {n}") for n, name in enumerate(NAMES, start=1)]
    assert chunks_of(token) == [] and count(StagedImport) == 0  # gone with the commit


def test_a_second_commit_of_a_file_finds_nothing_and_writes_nothing(client, themes,
                                                                    small_chunks):
    sign_in(client, "moderator")
    token = token_of(upload(client, CSV))
    assert client.post(f"/import/{token}/valider", data=mapping_form()).status_code == 200
    again = client.post(f"/import/{token}/valider", data=mapping_form())
    assert again.status_code == 404
    assert count(Initiative) == len(NAMES) and count(Revision) == len(NAMES)
    assert client.post(f"/import/{token}/apercu", data=mapping_form()).status_code == 404


def commit_in_thread(app, client, token: str, answers: list) -> threading.Thread:
    def run():
        with app.app_context():
            answers.append(client.post(f"/import/{token}/valider", data=mapping_form()))
            db.session.remove()
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_commit_waits_for_the_one_holding_the_file_then_finds_it_gone(app, client, themes,
                                                                        small_chunks):
    user = sign_in(client, "moderator")
    token = token_of(upload(client, CSV))
    answers = []
    with write_transaction():
        staging.load(token, user.id, claim=True)  # a commit under way holds the file
        thread = commit_in_thread(app, client, token, answers)
        time.sleep(0.5)
        assert thread.is_alive() and answers == []  # the second one waits
        staging.forget(token)
    thread.join(timeout=30)
    assert [answer.status_code for answer in answers] == [404]
    assert count(Initiative) == 0 and count(StagedImportChunk) == 0


def test_a_failed_commit_keeps_the_file_for_another_try(client, themes, small_chunks):
    sign_in(client, "moderator")
    token = token_of(upload(client, CSV))
    refused = client.post(f"/import/{token}/valider", data=mapping_form(map_name="Nope"))
    assert refused.status_code == 400
    assert chunks_of(token) == [0, 1, 2, 3] and count(Initiative) == 0


def test_an_expired_or_someone_elses_file_is_not_found(app, client, themes, small_chunks):
    sign_in(client, "moderator", "first@example.org")
    token = token_of(upload(client, CSV))
    other = app.test_client()
    sign_in(other, "moderator", "second@example.org")
    for ask in (lambda: other.get(f"/import/{token}"),
                lambda: other.post(f"/import/{token}/apercu", data=mapping_form()),
                lambda: other.post(f"/import/{token}/valider", data=mapping_form())):
        forget_loaded_user()
        assert ask().status_code == 404
    forget_loaded_user()
    app.config["IMPORT_TTL_SECONDS"] = -1
    assert client.post(f"/import/{token}/valider", data=mapping_form()).status_code == 404
    assert count(Initiative) == 0
    upload(client, CSV)  # the next upload purges the expired file, chunks and all
    assert chunks_of(token) == []


@pytest.mark.parametrize(("setting", "content", "message"), [
    ("IMPORT_MAX_BYTES", CSV, "Fichier trop volumineux"),
    ("IMPORT_MAX_ROWS", CSV, "plus de 3 lignes ou objets"),
    (None, CSV.encode("latin-1"), "UTF-8"),
    (None, "  \n", "Le fichier est vide."),
])
def test_a_refused_upload_stores_nothing_and_leaves_no_file(app, client, themes, tmp_path,
                                                            monkeypatch, setting, content,
                                                            message):
    if setting:
        app.config[setting] = 3 if setting == "IMPORT_MAX_ROWS" else len(CSV.encode()) - 1
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    sign_in(client, "moderator")
    refused = upload(client, content)
    assert refused.status_code == 400
    field = re.search(r'id="file".*?</div>', refused.get_data(as_text=True), re.S)[0]
    assert message in field
    assert count(StagedImport) == 0 and count(StagedImportChunk) == 0
    assert list(tmp_path.iterdir()) == []  # the spooled upload is deleted


def test_a_csv_upload_is_staged_from_the_spooled_file_row_by_row(client, themes, tmp_path,
                                                                 monkeypatch, small_chunks):
    staged, store = [], staging.store
    monkeypatch.setattr(staging, "store", lambda source, owner_id: staged.append(
        type(source.rows)) or store(source, owner_id))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    sign_in(client, "moderator")
    token = token_of(upload(client, CSV))
    assert staged == [CsvFileRows]  # read from the file, never a list of every row
    assert list(tmp_path.iterdir()) == [] and len(chunks_of(token)) == 4


@pytest.mark.parametrize(("content", "filename"), [
    (CSV, "ateliers.csv"),
    (json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": n, "geometry": {"type": "Point", "coordinates": [4.6, 46.4]},
         "properties": {"name": name, "n": n}} for n, name in enumerate(NAMES)]}), "a.geojson"),
])
def test_staged_rows_read_back_equal_the_parsed_ones_at_every_pass(app, themes, small_chunks,
                                                                  content, filename):
    user = sign_in(app.test_client(), "moderator")
    parsed = parse_source(content.encode(), filename, 10_000)
    with write_transaction():
        token = staging.store(parsed, user.id)
    source = staging.load(token, user.id)
    assert (source.format, source.columns, len(source.rows)) == (
        parsed.format, parsed.columns, len(NAMES))
    assert list(source.rows) == parsed.rows and list(source.rows) == parsed.rows


def test_the_mapping_page_reads_only_the_first_chunk(app, client, themes, monkeypatch):
    monkeypatch.setattr(staging, "CHUNK_ROWS", 5)
    sign_in(client, "moderator")
    token = token_of(upload(client, CSV))
    read = []

    def record(_conn, _cursor, statement, *_args):
        if "FROM staged_import_chunks" in statement:
            read.append(statement)
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(f"/import/{token}").status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert len(read) == 1 and len(chunks_of(token)) == 2


def test_the_report_and_done_pages_are_sent_from_a_file(client, themes):
    sign_in(client, "moderator")
    token = token_of(upload(client, CSV))
    preview = client.post(f"/import/{token}/apercu", data=mapping_form())
    assert preview.is_streamed and preview.mimetype == "text/html"
    page = preview.get_data(as_text=True)
    assert preview.content_length == len(page.encode()) and page.rstrip().endswith("</html>")
    assert "7 seront créées" in page
    done = client.post(f"/import/{token}/valider", data=mapping_form())
    assert done.is_streamed and "7 initiatives écrites" in done.get_data(as_text=True)



def test_a_file_gone_while_its_rows_are_read_is_not_half_read(app, client, themes,
                                                              small_chunks):
    user = sign_in(client, "moderator")
    token = token_of(upload(client, CSV))
    rows = iter(staging.load(token, user.id).rows)
    assert next(rows).properties["Titre"] == NAMES[0]
    with write_transaction():
        staging.forget(token)  # a commit of the same file ended meanwhile
    with pytest.raises(staging.UploadMissing):
        list(rows)
    gone = client.post(f"/import/{token}/apercu", data=mapping_form())
    assert gone.status_code == 404 and "plus disponible" in gone.get_data(as_text=True)
