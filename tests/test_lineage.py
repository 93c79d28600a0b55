"""Lineage: "inspired by / copied from" links, shown both ways, edited by moderators."""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.database import write_transaction
from app.extensions import db
from app.initiatives.fields import InvalidInitiative
from app.initiatives.lineage import set_inspirations
from app.models import Initiative, Revision
from app.models.lineage import initiative_lineage
from tests.factories import login, make_initiative, recorded_statements


@pytest.fixture
def parthenay(app, themes):
    """Parthenay's call centre, and a neighbouring commune's copy of it."""
    model = make_initiative("Centre d'appel de Parthenay", status="published")
    copy = make_initiative("Centre d'appel de Châtillon", status="published")
    return model, copy


def link(copy: Initiative, *ids: int) -> None:
    with write_transaction():
        set_inspirations(db.session.get(Initiative, copy.id), list(ids), author=None)


def test_a_link_is_kept_once_and_recorded_in_the_history(parthenay):
    model, copy = parthenay
    link(copy, model.id, model.id)
    rows = db.session.execute(sa.select(initiative_lineage)).all()
    assert rows == [(copy.id, model.id)]
    revision = db.session.scalars(sa.select(Revision).where(Revision.initiative_id == copy.id)
                                  .order_by(Revision.id.desc())).first()
    assert (revision.before["inspired_by"], revision.after["inspired_by"]) == ([], [model.id])


@pytest.mark.parametrize("ids", [["self"], [999999], ["abc"]])
def test_a_self_link_or_an_unknown_number_is_refused(parthenay, ids):
    _model, copy = parthenay
    ids = [copy.id if item == "self" else item for item in ids]
    with pytest.raises(InvalidInitiative) as refused:
        link(copy, *ids)
    assert set(refused.value.errors) == {"inspired_by"}
    assert db.session.execute(sa.select(initiative_lineage)).all() == []


def test_the_database_refuses_a_self_link_too(parthenay):
    model, _copy = parthenay
    with pytest.raises(IntegrityError), write_transaction():
        db.session.execute(initiative_lineage.insert().values(
            initiative_id=model.id, inspired_by_id=model.id))


def test_pages_show_the_link_both_ways_and_follow_its_changes(client, parthenay):
    model, copy = parthenay
    page = client.get(f"/initiatives/{model.id}", follow_redirects=True).get_data(as_text=True)
    assert "A inspiré" not in page  # and this page is now cached
    link(copy, model.id)
    page = client.get(f"/initiatives/{model.id}", follow_redirects=True).get_data(as_text=True)
    assert "A inspiré" in page and "Centre d&#39;appel de Châtillon" in page
    other = client.get(f"/initiatives/{copy.id}", follow_redirects=True).get_data(as_text=True)
    assert "Inspirée de" in other and "Centre d&#39;appel de Parthenay" in other


def test_a_pending_initiative_is_never_shown_as_a_link(client, parthenay):
    model, _copy = parthenay
    pending = make_initiative("Projet en attente")
    link(pending, model.id)
    page = client.get(f"/initiatives/{model.id}", follow_redirects=True).get_data(as_text=True)
    assert "Projet en attente" not in page and "A inspiré" not in page


def test_api_detail_gives_both_directions(client, parthenay):
    model, copy = parthenay
    link(copy, model.id)
    inspired = client.get(f"/api/v1/initiatives/{model.id}").get_json()["properties"]["inspired"]
    assert [(i["id"], i["name"]) for i in inspired] == [(copy.id, copy.name)]
    url = inspired[0]["url"]
    assert url.startswith("http") and f"/initiatives/{copy.id}-" in url
    by = client.get(f"/api/v1/initiatives/{copy.id}").get_json()["properties"]["inspired_by"]
    assert [i["id"] for i in by] == [model.id]


def test_api_detail_reads_links_only_for_initiatives_that_have_some(client, parthenay):
    """The busiest API answer is one statement (no BEGIN): the feature and whether it has
    links; a link to an initiative the public may not read still shows nothing."""
    model_id, copy_id = (initiative.id for initiative in parthenay)
    link(make_initiative("Projet en attente"), copy_id)
    client.get(f"/api/v1/initiatives/{model_id}")  # the app's first request: its set-up
    with recorded_statements() as statements:
        alone = client.get(f"/api/v1/initiatives/{model_id}").get_json()["properties"]
    assert len(statements) == 1
    assert (alone["inspired_by"], alone["inspired"]) == ([], [])
    linked = client.get(f"/api/v1/initiatives/{copy_id}").get_json()["properties"]
    assert (linked["inspired_by"], linked["inspired"]) == ([], [])


def test_a_page_render_reads_links_and_dossiers_only_when_its_stamp_has_some(client,
                                                                           parthenay):
    """Most initiatives have no lineage and no dossier: their page's stamp already says so,
    and rendering it asks nothing more of them (a render per worker and page at 1M)."""
    model_id, copy_id = (initiative.id for initiative in parthenay)
    client.get("/")  # the app's first request: its set-up
    with recorded_statements() as alone:
        page = client.get(f"/initiatives/{model_id}", follow_redirects=True)
    assert page.status_code == 200
    beyond_stamp = [s for s in alone if "public_feature" not in s]  # the stamp reads both
    assert not [s for s in beyond_stamp if "initiative_lineage" in s]
    assert not [s for s in beyond_stamp if "dossier_initiatives" in s]
    link(db.session.get(Initiative, copy_id), model_id)
    with recorded_statements() as linked:
        page = client.get(f"/initiatives/{model_id}", follow_redirects=True)
    assert "Centre d&#39;appel de Châtillon" in page.get_data(as_text=True)
    assert len([s for s in linked if "initiative_lineage" in s]) == len(
        [s for s in alone if "initiative_lineage" in s]) + 2  # now read both ways


def test_moderator_edits_the_lineage_with_clear_errors(client, accounts):
    model = make_initiative("Centre d'appel de Parthenay", status="published")
    copy = make_initiative("Centre d'appel de Cluny", status="published")
    login(client, accounts.moderator_71)
    refused = client.post(f"/moderation/initiatives/{copy.id}/lineage",
                          data={"inspired_by": f"{copy.id}"})
    assert refused.status_code == 400
    assert "ne peut pas s&#39;inspirer d&#39;elle-même" in refused.get_data(as_text=True)
    done = client.post(f"/moderation/initiatives/{copy.id}/lineage",
                       data={"inspired_by": f"{model.id}"})
    assert done.status_code == 302
    assert db.session.execute(sa.select(initiative_lineage)).all() == [(copy.id, model.id)]
    history = client.get(f"/initiatives/{copy.id}/history").get_data(as_text=True)
    assert "Inspirée de (numéros)" in history
