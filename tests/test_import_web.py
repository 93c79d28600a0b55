"""The /import pages: moderators and admins only; upload, mapping, dry run, commit."""

import io
import re

import pytest
import sqlalchemy as sa
from flask import g

from app.extensions import db
from app.models import Initiative, Revision
from tests.factories import sign_in

CSV = "Titre;Ville;Texte\nAtelier vélo;Cluny;Réparer ensemble\nNulle part;Atlantide;\n"


def upload(client, content: bytes | str = CSV, filename: str = "ateliers.csv", **fields):
    content = content.encode() if isinstance(content, str) else content
    return client.post("/import", data={"file": (io.BytesIO(content), filename), **fields},
                       content_type="multipart/form-data")


def token_of(response) -> str:
    return re.search(r"/import/([A-Za-z0-9_-]{32})", response.headers["Location"])[1]


def mapping_form(**overrides) -> dict:
    return {"map_name": "Titre", "map_commune": "Ville", "map_description": "Texte",
            "source": "Recensement", "default_kind": "place", "status": "published",
            **overrides}


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path):
    """Uploads wait in the test's own folder, not in the project's instance/."""
    app.config["IMPORT_FOLDER"] = str(tmp_path / "imports")
    return tmp_path / "imports"


def test_anonymous_people_are_sent_to_login(client, app):
    response = client.get("/import")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/import"


def test_contributors_may_not_import(client, app):
    sign_in(client, "contributor")
    assert client.get("/import").status_code == 403
    assert upload(client).status_code == 403


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_moderators_and_admins_see_the_upload_form(client, app, role):
    sign_in(client, role)
    page = client.get("/import")
    assert page.status_code == 200
    assert 'type="file"' in page.get_data(as_text=True)


def test_upload_mapping_dry_run_then_commit(client, themes):
    user = sign_in(client, "moderator")
    token = token_of(upload(client))
    mapping = client.get(f"/import/{token}").get_data(as_text=True)
    assert "Atelier vélo" in mapping  # the first rows are shown
    assert re.search(r'<option selected value="Ville">|<option value="Ville" selected>',
                     mapping)  # "Ville" guessed as the commune
    preview = client.post(f"/import/{token}/apercu", data=mapping_form())
    assert preview.status_code == 200
    text = preview.get_data(as_text=True)
    assert "1 sera créée" in text and "1 erreur" in text
    assert "Commune inconnue : Atlantide." in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Initiative)) == 0
    done = client.post(f"/import/{token}/valider", data=mapping_form())
    assert done.status_code == 200
    assert "1 initiatives écrites" in done.get_data(as_text=True)
    initiative = db.session.scalar(sa.select(Initiative))
    assert (initiative.name, initiative.kind, initiative.status, initiative.source) == (
        "Atelier vélo", "place", "published", "Recensement")
    revision = db.session.scalar(sa.select(Revision))
    assert revision.author_id == user.id and revision.reason == "Import : Recensement"
    assert client.get(f"/import/{token}").status_code == 404  # the file is gone


def test_a_broken_file_is_refused_at_upload(client, themes):
    sign_in(client, "admin")
    response = upload(client, "nom;commune\nCafé;Cluny\n".encode("latin-1"))
    assert response.status_code == 400
    assert "UTF-8" in response.get_data(as_text=True)


def test_a_50_megabyte_upload_is_refused(client, themes):
    sign_in(client, "admin")
    big = b"name,lat,lon\n" + b"x,46.4,4.6\n" * (50 * 1024 * 1024 // 11)
    response = upload(client, big)
    assert response.status_code == 400
    assert "trop volumineux" in response.get_data(as_text=True)


@pytest.mark.parametrize(("name_column", "message"), [
    ("", "Aucune colonne ne donne le nom"),  # no name: said clearly
    ("Nope", "Formulaire invalide"),  # a column the file does not have
])
def test_a_bad_mapping_is_refused_and_writes_nothing(client, themes, name_column, message):
    sign_in(client, "moderator")
    token = token_of(upload(client))
    response = client.post(f"/import/{token}/apercu", data=mapping_form(map_name=name_column))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert client.post(f"/import/{token}/valider",
                       data=mapping_form(map_name=name_column)).status_code in (400, 409)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Initiative)) == 0


def forget_loaded_user() -> None:
    """The test app context outlives requests: drop the user Flask-Login cached in g."""
    g.pop("_login_user", None)


def test_an_upload_belongs_to_whoever_sent_it(client, app, themes):
    sign_in(client, "moderator", "first@example.org")
    token = token_of(upload(client))
    other = app.test_client()
    sign_in(other, "moderator", "second@example.org")
    forget_loaded_user()
    assert other.get(f"/import/{token}").status_code == 404
    forget_loaded_user()
    assert client.get("/import/not-a-token").status_code == 404
    assert client.get("/import/../../secret_key").status_code == 404


def test_uploads_expire_and_are_purged(client, app, themes, upload_folder):
    sign_in(client, "moderator")
    token = token_of(upload(client))
    assert len(list(upload_folder.iterdir())) == 2  # the file and its owner, server-side
    app.config["IMPORT_TTL_SECONDS"] = -1
    assert client.get(f"/import/{token}").status_code == 404
    upload(client)  # any new upload purges the expired ones
    assert not (upload_folder / f"{token}.data").exists()
