"""The /import pages: moderators and admins only; upload, mapping, dry run, commit."""

import io
import json
import re

import pytest
import sqlalchemy as sa
from flask import g

from app.exchange import routes, sources
from app.exchange.errors import ImportFileError
from app.exchange.staging import STAGED_PER_USER
from app.extensions import db
from app.models import Initiative, Revision, StagedImport
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
    assert "1 initiative écrite depuis ateliers.csv." in done.get_data(as_text=True)
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


def test_the_report_agrees_in_number_and_shows_every_error_of_a_row(client, themes):
    sign_in(client, "moderator")
    csv = ("Titre;Ville;Thèmes\nA;Cluny;\nB;Cluny;\nC;Atlantide;Astrologie\n"
           "D;Atlantide;\nE;Nulle;\n")
    token = token_of(upload(client, csv))
    form = mapping_form(map_themes="Thèmes", map_description="")
    preview = client.post(f"/import/{token}/apercu", data=form)
    page = preview.get_data(as_text=True)
    totals = re.search(r'<ul class="import-totals"[^>]*>(.*?)</ul>', page, re.S)[1]
    assert re.findall(r"<li[^>]*>([^<]*)</li>", totals) == ["2 seront créées", "3 erreurs"]
    error_row = re.search(r'<tr class="import-row import-row--error">(.*?)</tr>', page, re.S)[1]
    assert "Thème inconnu : Astrologie." in error_row
    assert "Commune inconnue : Atlantide." in error_row
    assert 'aria-current="step"' in page and "3/4" in page
    english = client.post(f"/import/{token}/apercu?lang=en", data=form).get_data(as_text=True)
    assert "2 will be created" in english and "3 errors" in english


def test_an_english_report_gives_the_rules_messages_in_english(client, themes):
    sign_in(client, "moderator")
    token = token_of(upload(client, "Titre;Ville;Site\nAtelier;Cluny;ftp://atelier.example.org\n"))
    form = mapping_form(map_website="Site", map_description="")
    english = client.post(f"/import/{token}/apercu?lang=en", data=form).get_data(as_text=True)
    assert "Website : Invalid web address: it must start with http:// or https://." in english
    assert "Adresse web invalide" not in english
    french = client.post(f"/import/{token}/apercu?lang=fr", data=form).get_data(as_text=True)
    assert ("Site web : Adresse web invalide : elle doit commencer par http:// ou https://."
            in french)


def staged_tokens() -> list[str]:
    return db.session.scalars(sa.select(StagedImport.token)).all()


def test_uploads_expire_and_are_purged(client, app, themes):
    sign_in(client, "moderator")
    token = token_of(upload(client))
    assert staged_tokens() == [token]  # the parsed rows and their owner, server-side
    app.config["IMPORT_TTL_SECONDS"] = -1
    assert client.get(f"/import/{token}").status_code == 404
    upload(client)  # any new upload purges the expired ones
    assert token not in staged_tokens()


def test_each_user_keeps_a_few_uploads_at_most(client, themes):
    sign_in(client, "moderator")
    tokens = [token_of(upload(client)) for _ in range(STAGED_PER_USER + 1)]
    assert client.get(f"/import/{tokens[0]}").status_code == 404  # the oldest went
    assert all(client.get(f"/import/{t}").status_code == 200 for t in tokens[1:])
    assert sorted(staged_tokens()) == sorted(tokens[1:])


@pytest.mark.parametrize(("content", "filename"), [
    ("name;commune\n" + "Atelier;Cluny\n" * 4, "ateliers.csv"),
    (json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": None, "properties": {}}] * 4}), "a.geojson"),
])
def test_a_file_over_the_row_cap_is_refused_at_upload(client, app, themes, content, filename):
    app.config["IMPORT_MAX_ROWS"] = 3
    sign_in(client, "moderator")
    refused = upload(client, content, filename)
    assert refused.status_code == 400
    assert "plus de 3 lignes ou objets" in refused.get_data(as_text=True)
    assert staged_tokens() == []
    english = client.post("/import?lang=en", data={"file": (io.BytesIO(content.encode()),
                                                             filename)})
    assert "more than 3 rows or features" in english.get_data(as_text=True)
    app.config["IMPORT_MAX_ROWS"] = 4
    assert upload(client, content, filename).status_code == 302


def geojson_of(count: int, padding: str = "") -> bytes:
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [4.659, 46.434]},
               "properties": {"name": f"Atelier{padding}"}}
    return json.dumps({"type": "FeatureCollection", "features": [feature] * count}).encode()


def test_a_geojson_just_over_the_byte_cap_is_refused_next_to_the_file_field(client, app, themes):
    data = geojson_of(3)
    app.config["IMPORT_MAX_BYTES"] = len(data) - 1
    sign_in(client, "moderator")
    refused = upload(client, data, "a.geojson")
    assert refused.status_code == 400 and staged_tokens() == []
    field = re.search(r'id="file".*?</div>', refused.get_data(as_text=True), re.S)[0]
    assert "Fichier trop volumineux : plus de" in field
    english = client.post("/import?lang=en", data={"file": (io.BytesIO(data), "a.geojson")})
    assert "File too large: over" in english.get_data(as_text=True)
    app.config["IMPORT_MAX_BYTES"] = len(data)
    assert upload(client, data, "a.geojson").status_code == 302


def test_a_geojson_over_the_feature_cap_is_refused_before_it_is_parsed(client, app, themes,
                                                                      monkeypatch):
    app.config["IMPORT_MAX_ROWS"] = 3
    sign_in(client, "moderator")
    quoted = ' "type": "Feature"'  # in a name: text, not a feature
    assert upload(client, geojson_of(3, quoted), "a.geojson").status_code == 302
    monkeypatch.setattr(sources, "load_json", lambda data: pytest.fail("parsed whole"))
    refused = upload(client, geojson_of(4), "a.geojson")
    assert refused.status_code == 400 and len(staged_tokens()) == 1
    assert "plus de 3 lignes ou objets" in refused.get_data(as_text=True)


def test_an_upload_is_read_no_further_than_the_byte_cap():
    stream = io.BytesIO(b"x" * 1_000_000)
    with pytest.raises(ImportFileError, match="trop volumineux"):
        sources.read_capped(stream, 1000)
    assert stream.tell() == 1001
    assert sources.read_capped(io.BytesIO(b"x" * 1000), 1000) == b"x" * 1000


def test_a_file_is_parsed_once_across_the_four_steps(client, themes, monkeypatch):
    parsed, parse_file = [], routes.parse_file
    monkeypatch.setattr(routes, "parse_file", lambda *args, **kwargs: parsed.append(
        kwargs["filename"]) or parse_file(*args, **kwargs))
    sign_in(client, "moderator")
    token = token_of(upload(client))
    assert client.get(f"/import/{token}").status_code == 200
    assert client.post(f"/import/{token}/apercu", data=mapping_form()).status_code == 200
    assert client.post(f"/import/{token}/valider", data=mapping_form()).status_code == 200
    assert parsed == ["ateliers.csv"]
    assert staged_tokens() == []  # the commit took the rows with it
    assert client.post(f"/import/{token}/valider", data=mapping_form()).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Initiative)) == 1
