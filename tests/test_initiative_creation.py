"""One way to create an initiative: a form's create_initiative and an import's batches
store the same rows, themes, tags, public features and revisions for the same input."""

import orjson
import sqlalchemy as sa

from app.accounts.services import create_user
from app.database import write_transaction
from app.exchange import imports
from app.extensions import db
from app.initiatives.services import create_initiative
from app.initiatives.taxonomy import ensure_default_themes
from app.models import Initiative, Revision, User
from tests.conftest import empty_tables
from tests.factories import PASSWORD
from tests.test_import import guess_mapping, plan, source_of

CSV = (
    "id,name,summary,commune,lat,lon,themes,tags,website,started_on,actor_type\n"
    "a1,Atelier vélo,Réparer ensemble,Cluny,,,gestion-de-crise;retours-experience,"
    "vélo;Réemploi,https://atelier.example.org,2021-03-04,association\n"
    "a2,Tiers-lieu des Halles,,,48.1113,-1.68,,,,,\n"
    "a3,Jardin partagé,Un jardin,Rennes,,,continuite-service-public,jardin;vélo,,,\n"
)
# Stored per write, not per input: the row's own id and when it was written.
WRITE_COLUMNS = {"id", "created_at", "updated_at", "published_at", "created_by_id",
                 "public_feature"}
FEATURE_WRITE_MEMBERS = {"id", "uid", "url", "updated_at"}


def author() -> User:
    with write_transaction():
        return create_user("moderatrice@example.org", PASSWORD, "moderator")


def fresh_start() -> None:
    db.session.remove()
    empty_tables()
    with write_transaction():
        ensure_default_themes()


def stored() -> list[dict]:
    """Each initiative as stored, with its themes, tags, feature and revisions, minus what
    says when it was written and under which id."""
    db.session.expire_all()
    initiatives = db.session.scalars(sa.select(Initiative).order_by(Initiative.id)).all()
    return [stored_initiative(initiative) for initiative in initiatives]


def stored_initiative(initiative: Initiative) -> dict:
    columns = {column.key: getattr(initiative, column.key)
               for column in Initiative.__table__.columns if column.key not in WRITE_COLUMNS}
    feature = orjson.loads(initiative.public_feature) if initiative.public_feature else None
    if feature:
        feature["properties"] = {key: value for key, value in feature["properties"].items()
                                 if key not in FEATURE_WRITE_MEMBERS}
        feature.pop("id")
    revisions = db.session.execute(
        sa.select(Revision.action, Revision.reason, User.email, Revision.before, Revision.after)
        .outerjoin(User, User.id == Revision.author_id)
        .where(Revision.initiative_id == initiative.id).order_by(Revision.id)).all()
    return {**columns, "published": initiative.published_at is not None,
            "author": db.session.scalar(sa.select(User.email).where(
                User.id == initiative.created_by_id)),
            "themes": [theme.slug for theme in initiative.themes],
            "tags": sorted(tag.name for tag in initiative.tags),
            "feature": feature, "revisions": [tuple(revision) for revision in revisions]}


def test_import_and_create_initiative_store_the_same_rows_and_revisions(app, monkeypatch):
    monkeypatch.setattr(imports.Writer, "BATCH", 2)  # a full batch and a partial one
    fresh_start()
    source = source_of(CSV)
    options = imports.ImportOptions(status="published")
    with write_transaction():
        report = imports.commit(source, guess_mapping(source), options, author=author())
    assert [row.action for row in report.rows] == ["create"] * 3
    imported = stored()

    fresh_start()
    planned = plan(CSV, status="published")  # the values the commit read, row by row
    moderator = author()
    with write_transaction():
        for row in planned.rows:
            create_initiative({"source": "test.csv", **row.data}, author=moderator,
                              status="published", reason="Import : test.csv")
    created = stored()

    assert created == imported
    assert [entry["themes"] for entry in created] == [
        ["gestion-de-crise", "retours-experience"], [], ["continuite-service-public"]]
    assert created[0]["tags"] == ["réemploi", "vélo"] and created[1]["tags"] == []
    assert all(entry["feature"] and entry["published"] for entry in created)
    assert [len(entry["revisions"]) for entry in created] == [1, 1, 1]
