"""A form's submission is cleaned once and its commune looked up once on its way to the record."""

import sys
from collections import Counter

import pytest
import sqlalchemy as sa

from app.contribute.proposals import FORM_SOURCE
from app.database import write_transaction
from app.extensions import db
from app.geo.gazetteer import Gazetteer
from app.initiatives import fields
from app.initiatives.history import snapshot
from app.initiatives.services import create_initiative
from app.models import ChangeSet, Initiative
from tests.factories import SECRET_EMAIL, login, make_initiative, proposal_data

pytestmark = pytest.mark.usefixtures("fast_forms", "themes")


@pytest.fixture
def calls(monkeypatch) -> Counter:
    """Count the calls of clean() and of the gazetteer's lookups, the real ones running."""
    counted: Counter = Counter()

    def counting(name, real):
        def wrapper(*args, **kwargs):
            counted[name] += 1
            return real(*args, **kwargs)
        return wrapper

    # Every module that imported clean() by name calls it through its own reference.
    real = fields.clean
    wrapped = counting("clean", real)
    for module in list(sys.modules.values()):
        if module.__name__.startswith("app") and getattr(module, "clean", None) is real:
            monkeypatch.setattr(module, "clean", wrapped)
    for lookup in ("get", "search", "locate", "distance_m"):
        monkeypatch.setattr(Gazetteer, lookup, counting(lookup, getattr(Gazetteer, lookup)))
    return counted


def commune_lookups(calls: Counter) -> int:
    return calls["get"] + calls["search"]


def test_proposal_is_cleaned_and_placed_once(client, calls):
    response = client.post("/initiatives/new", data=proposal_data())
    assert response.status_code == 302
    assert calls["clean"] == 1
    assert commune_lookups(calls) == 1 and calls["locate"] == 0


def test_proposal_with_a_pin_is_cleaned_and_located_once(client, calls):
    response = client.post("/initiatives/new", data=proposal_data(
        insee="71137", lon="4.6586", lat="46.4346"))
    assert response.status_code == 302
    assert calls["clean"] == 1
    # The pin is checked against the commune's outline once; inside it, no search at all.
    assert commune_lookups(calls) == 1 and calls["distance_m"] == 1 and calls["locate"] == 0


def test_proposal_stores_what_the_service_stores_from_raw_values(client):
    client.post("/initiatives/new", data=proposal_data())
    from_form = db.session.scalar(sa.select(Initiative))
    with write_transaction():
        from_service = create_initiative({
            "name": "Repair café de Cluny", "kind": "initiative", "insee": "71137",
            "summary": "Réparer ensemble plutôt que jeter.",
            "themes": ["continuite-service-public"],
            "website": "https://repair.example.org", "private_email": SECRET_EMAIL,
            "location_precision": "commune", "source": FORM_SOURCE, "description": "",
            "actor_name": "", "actor_type": "", "public_contact": "", "started_on": "",
            "ended_on": "", "research_partnership": False, "tags": "", "lon": "", "lat": ""})
    assert snapshot(from_form) == snapshot(from_service)
    assert (from_form.commune_name, from_form.departement, from_form.region) == (
        "Cluny", "71", "27")


def test_correction_is_cleaned_once(client, calls):
    initiative = make_initiative(status="published")
    calls.clear()
    response = client.post(f"/initiatives/{initiative.id}/correction", data=proposal_data(
        name=initiative.name, summary="Un résumé corrigé", insee="71137", website="",
        themes=["gestion-de-crise"], message="Résumé plus clair"))
    assert response.status_code == 302
    assert calls["clean"] == 1
    assert db.session.scalar(sa.select(ChangeSet)).changes == {"summary": "Un résumé corrigé"}


def test_moderator_edit_is_cleaned_and_placed_once(client, accounts, calls):
    initiative = make_initiative()
    login(client, accounts.moderator_71)
    calls.clear()
    response = client.post(f"/moderation/initiatives/{initiative.id}/edit", data={
        "name": "Jardin partagé des Griottes (Cluny)", "kind": "place", "commune": "Cluny",
        "insee": "71137", "themes": ["gestion-de-crise"], "private_email": SECRET_EMAIL,
        "version": initiative.version, "reason": "Nom précisé"})
    assert response.status_code == 302
    assert calls["clean"] == 1
    assert commune_lookups(calls) == 1 and calls["locate"] == 0
    db.session.refresh(initiative)
    assert (initiative.name, initiative.insee, initiative.commune_name) == (
        "Jardin partagé des Griottes (Cluny)", "71137", "Cluny")


def test_raw_values_are_still_checked_by_the_service(app):
    with pytest.raises(fields.InvalidInitiative) as raised, write_transaction():
        create_initiative({"name": "", "kind": "initiative", "insee": "71137"})
    assert "name" in raised.value.errors
