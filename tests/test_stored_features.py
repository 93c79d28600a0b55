"""Every write path keeps the stored GeoJSON feature equal to the one built afresh."""

from pathlib import Path

import sqlalchemy as sa

from app.accounts.services import create_user
from app.database import write_transaction
from app.exchange import imports
from app.exchange.mapping import guess_mapping
from app.exchange.sources import parse_source
from app.extensions import db
from app.initiatives import change_sets, moderation, reports, stored_features
from app.initiatives.erasure import erase_initiative
from app.initiatives.geojson import PUBLIC_STATUSES
from app.initiatives.seed import load_seed
from app.initiatives.services import update_initiative
from app.initiatives.themes import save_theme
from app.models import Initiative, Theme
from tests.factories import PASSWORD, make_initiative


def assert_features_current() -> None:
    """Each public row stores its fresh feature; no other row stores any."""
    db.session.rollback()
    connection = db.session.connection()
    rows = connection.execute(sa.select(
        Initiative.id, Initiative.status, Initiative.public_feature)).all()
    fresh = stored_features.build_features(connection, [row.id for row in rows])
    for initiative_id, status, stored in rows:
        if status in PUBLIC_STATUSES:
            assert stored is not None and bytes(stored) == fresh[initiative_id], initiative_id
        else:
            assert stored is None, (initiative_id, status)
    db.session.rollback()


def public_names(client) -> set[str]:
    features = client.get("/api/v1/initiatives?status=all").get_json()["features"]
    return {feature["properties"]["name"] for feature in features}


def user(role: str):
    with write_transaction():
        return create_user(f"{role}@example.org", PASSWORD, role)


def fetch(initiative_id: int) -> Initiative:
    return db.session.get(Initiative, initiative_id)


def test_every_write_path_refreshes_the_stored_feature(app, client, themes):
    moderator, admin = user("moderator"), user("admin")
    with write_transaction():
        load_seed(Path(app.config["SEED_PATH"]))
    assert_features_current()

    published = make_initiative("Publiée", themes=["gestion-de-crise"], tags=["vélo"],
                                kind="place", status="published", private_email=None).id
    pending = make_initiative("En attente", status="pending", kind="place", private_email=None,
                              themes=None).id
    rejected = make_initiative("À refuser", status="pending", kind="place", private_email=None,
                               themes=None).id
    asked = make_initiative("À compléter", status="pending", kind="place", private_email=None,
                            themes=None).id
    assert_features_current()
    assert "En attente" not in public_names(client)

    with write_transaction():
        update_initiative(fetch(published), {"summary": "Nouveau résumé", "tags": ["atelier"]},
                          author=None)
    with write_transaction():
        moderation.decide(fetch(rejected), "reject", moderator=fetch_user(moderator),
                          reason="hors sujet", expected_version=None)
    with write_transaction():
        moderation.decide(fetch(asked), "request_changes", moderator=fetch_user(moderator),
                          reason="précisez", expected_version=None)
    with write_transaction():
        moderation.resubmit(fetch(asked), {"summary": "Précisé"}, expected_version=None,
                            reason="")
    assert_features_current()
    assert not {"À refuser", "À compléter"} & public_names(client)

    with write_transaction():
        moderation.decide(fetch(pending), "approve", moderator=fetch_user(moderator),
                          expected_version=None, changes={"name": "Approuvée"})
    assert_features_current()
    assert "Approuvée" in public_names(client)

    with write_transaction():
        proposal = change_sets.propose_change(
            fetch(published), {"name": "Publiée et corrigée"}, author=None, email=None,
            message="coquille")
    with write_transaction():
        change_sets.decide_change_set(db.session.get(type(proposal), proposal.id), "approve",
                                      moderator=fetch_user(moderator), expected_version=None)
    with write_transaction():
        report = reports.file_report(fetch(published), "closed", "fermé", reporter=None,
                                     email=None)
    with write_transaction():
        reports.decide_report(db.session.get(type(report), report.id), "resolve",
                              moderator=fetch_user(moderator), expected_version=None)
    assert_features_current()

    with write_transaction():
        duplicate = make_initiative("Doublon", description="Plus complet", kind="place",
                                    status="published", private_email=None, themes=None).id
    with write_transaction():
        moderation.merge(fetch(duplicate), fetch(published), moderator=fetch_user(moderator),
                         reason="", expected_version=None)
    with write_transaction():
        moderation.decide(fetch(pending), "archive", moderator=fetch_user(moderator),
                          expected_version=None)
    assert_features_current()

    theme = db.session.scalar(sa.select(Theme).where(Theme.slug == "gestion-de-crise"))
    with write_transaction():
        save_theme({"slug": "crises", "label_fr": theme.label_fr,
                           "label_en": theme.label_en, "colour": theme.colour,
                           "icon": theme.icon, "position": -1}, theme)
    assert_features_current()
    feature = client.get(f"/api/v1/initiatives/{published}").get_json()
    assert "crises" in feature["properties"]["themes"]

    first = "id,name,lat,lon\nA1,Atelier,46.434,4.659\nA2,Jardin,48.11,-1.68\n"
    import_csv(first, status="published")
    import_csv(first.replace("Jardin", "Jardin partagé"), status="published")
    assert_features_current()
    assert "Jardin partagé" in public_names(client)

    with write_transaction():
        erase_initiative(fetch(duplicate), admin=fetch_user(admin), reason="RGPD")
    assert_features_current()
    assert "Doublon" not in public_names(client)


def fetch_user(user_):
    return db.session.get(type(user_), user_.id)


def import_csv(text: str, **options) -> None:
    source = parse_source(text.encode(), "test.csv", 1_000_000)
    with write_transaction():
        imports.commit(source, guess_mapping(source), imports.ImportOptions(**options),
                       author=None)


def test_feature_written_around_the_session_is_built_when_read(client, themes):
    stored = make_initiative("Gardée", kind="place", status="published", private_email=None,
                             themes=None).id
    missing = make_initiative("Chargée en masse", kind="place", status="published",
                              private_email=None, themes=None).id
    hidden = make_initiative("Cachée", status="pending", kind="place", private_email=None,
                             themes=None).id
    with write_transaction():
        db.session.execute(sa.update(Initiative.__table__).where(
            Initiative.id.in_([missing, hidden])).values(public_feature=None))
    features = client.get("/api/v1/initiatives").get_json()["features"]
    assert [feature["id"] for feature in features] == [stored, missing]
    assert features[1]["properties"]["url"].startswith("http://localhost/initiatives/")
    with write_transaction():
        stored_features.refresh_all(db.session.connection())
    assert_features_current()


def test_feature_urls_follow_public_url_and_cannot_be_faked(app, client, themes):
    make_initiative('Fausse "url":"/initiatives/x', description='"url":"/initiatives/',
                    kind="place", status="published", private_email=None, themes=None)
    app.config["PUBLIC_URL"] = "https://maillage.example.org/"
    properties = client.get("/api/v1/initiatives").get_json()["features"][0]["properties"]
    assert properties["url"].startswith("https://maillage.example.org/initiatives/1-")
    assert properties["name"] == 'Fausse "url":"/initiatives/x'
    assert properties["description"] == '"url":"/initiatives/'


def test_collection_bytes_are_the_collection_serialised():
    body = stored_features.collection_bytes([b'{"a":1}', b'{"b":2}'], numberReturned=2)
    assert body == b'{"type":"FeatureCollection","numberReturned":2,"features":[{"a":1},{"b":2}]}'
    assert stored_features.collection_bytes([]).endswith(b'"features":[]}')


def test_renamed_theme_changes_the_etag_of_its_initiatives(client, themes):
    initiative_id = make_initiative("Thématique", themes=["gestion-de-crise"], kind="place",
                                    status="published", private_email=None).id
    first = client.get(f"/api/v1/initiatives/{initiative_id}")
    etag = first.headers["ETag"]
    assert client.get(f"/api/v1/initiatives/{initiative_id}",
                      headers={"If-None-Match": etag}).status_code == 304
    theme = db.session.scalar(sa.select(Theme).where(Theme.slug == "gestion-de-crise"))
    with write_transaction():
        save_theme({"slug": "crises", "label_fr": theme.label_fr, "label_en": theme.label_en,
                    "colour": theme.colour, "icon": theme.icon, "position": theme.position},
                   theme)
    again = client.get(f"/api/v1/initiatives/{initiative_id}", headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert again.get_json()["properties"]["themes"] == ["crises"]


def test_migration_fills_the_features_of_existing_rows(app, themes):
    from flask_migrate import downgrade, upgrade

    make_initiative("Avant la migration", themes=["gestion-de-crise"], kind="place",
                    status="published", private_email=None)
    make_initiative("En attente", status="pending", kind="place", private_email=None, themes=None)
    db.session.remove()
    downgrade(revision="3b8e51c2a7d4")
    db.engine.dispose()
    upgrade()
    db.engine.dispose()
    assert_features_current()
