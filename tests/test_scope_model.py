"""Scope: a local entry is a point, any other a whole territory with no point (issue 15.3)."""

import pytest
import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.initiatives.fields import InvalidInitiative
from app.initiatives.services import create_initiative, update_initiative
from app.models import SCOPES, Initiative
from tests.factories import make_initiative

LANNION_TREGOR = "200065928"  # Lannion-Trégor Communauté: all its communes in 22, Bretagne


def territory_entry(scope: str, territory: str | None, name: str = "Réseau", **values):
    """Create a published non-local entry through the service."""
    with write_transaction():
        return create_initiative({"name": name, "kind": "initiative", "scope": scope,
                                  "territory": territory, **values}, status="published")


def columns(initiative: Initiative) -> tuple:
    db.session.refresh(initiative)
    return (initiative.scope, initiative.lon, initiative.lat, initiative.insee,
            initiative.epci, initiative.departement, initiative.region,
            initiative.location_precision)


def test_scopes_are_exported_in_order():
    assert SCOPES == ("local", "intercommunal", "departemental", "regional", "national")


def test_a_local_entry_keeps_its_point_and_says_so(app):
    initiative = make_initiative(themes=None)
    assert columns(initiative)[:4] == ("local", pytest.approx(4.6586, abs=0.01),
                                       pytest.approx(46.434, abs=0.01), "71137")


@pytest.mark.parametrize(("scope", "territory", "expected"), [
    ("national", "FR", (None, None, None)),
    ("national", None, (None, None, None)),
    ("regional", "53", (None, None, "53")),
    ("departemental", "22", (None, "22", "53")),
    ("departemental", "2a", (None, "2A", "94")),
    ("intercommunal", LANNION_TREGOR, (LANNION_TREGOR, "22", "53")),
])
def test_a_whole_territory_has_its_codes_and_no_point(app, scope, territory, expected):
    initiative = territory_entry(scope, territory)
    assert columns(initiative) == (scope, None, None, None, *expected, "territory")


def test_an_epci_across_departements_keeps_neither_departement_nor_region(app):
    # Métropole du Grand Paris: its communes are in four départements of one région.
    initiative = territory_entry("intercommunal", "200054781")
    assert columns(initiative)[4:7] == ("200054781", None, "11")


def test_an_etablissement_public_territorial_is_an_intercommunality(app):
    # Grand-Orly Seine Bièvre: an EPT of the Métropole du Grand Paris, in 91 and 94.
    initiative = territory_entry("intercommunal", "200058014")
    assert columns(initiative)[4:7] == ("200058014", None, "11")


@pytest.mark.parametrize(("scope", "territory", "field", "words"), [
    ("departemental", None, "territory", "Indiquez le territoire"),
    ("departemental", "00", "territory", "Département inconnu"),
    ("regional", "99", "territory", "Région inconnue"),
    ("intercommunal", "123456789", "territory", "EPCI inconnu"),
    ("national", "53", "territory", "toute la France"),
    ("planetary", None, "scope", "Valeur inconnue"),
])
def test_an_unknown_or_missing_territory_is_refused_by_field(app, scope, territory, field,
                                                             words):
    with pytest.raises(InvalidInitiative) as refused:
        territory_entry(scope, territory)
    assert words in str(refused.value.errors[field])


def test_a_whole_territory_with_a_point_or_a_commune_is_refused(app):
    for place in ({"lon": 4.66, "lat": 46.43}, {"insee": "71137"}):
        with pytest.raises(InvalidInitiative) as refused:
            territory_entry("national", "FR", **place)
        assert "ni point ni commune" in str(refused.value.errors["location"])


def test_the_database_refuses_a_point_on_a_whole_territory_and_a_local_entry_without(app):
    national = territory_entry("national", "FR")
    local = make_initiative(themes=None)
    for statement in (
        f"UPDATE initiatives SET lon = 2.35, lat = 48.85 WHERE id = {national.id}",
        f"UPDATE initiatives SET lon = NULL, lat = NULL WHERE id = {local.id}",
        f"UPDATE initiatives SET scope = 'regional' WHERE id = {national.id}",
        f"UPDATE initiatives SET scope = 'everywhere' WHERE id = {local.id}",
        f"UPDATE initiatives SET departement = '71' WHERE id = {national.id}",
    ):
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.execute(sa.text(statement))


def test_a_point_moves_out_of_the_spatial_index_when_an_entry_becomes_national(app):
    local = make_initiative(themes=None)
    with write_transaction():
        update_initiative(local, {"scope": "national", "insee": None, "lon": None, "lat": None},
                          author=None)
    assert columns(local)[:4] == ("national", None, None, None)
    assert in_box(local.id) is False
    with write_transaction():
        update_initiative(local, {"scope": "local", "insee": "71137"}, author=None)
    assert columns(local)[:4] == ("local", pytest.approx(4.6586, abs=0.01),
                                  pytest.approx(46.434, abs=0.01), "71137")
    assert in_box(local.id) is True


def in_box(initiative_id: int) -> bool:
    """Tell whether the dialect's spatial index finds the initiative around Cluny."""
    if db.engine.dialect.name == "postgresql":
        sql = ("SELECT count(*) FROM initiatives WHERE id = :id AND geom && "
               "ST_MakeEnvelope(4, 46, 5, 47, 4326)")
    else:
        sql = ("SELECT count(*) FROM initiatives_rtree WHERE id = :id AND min_lon >= 4 "
               "AND max_lon <= 5 AND min_lat >= 46 AND max_lat <= 47")
    return db.session.scalar(sa.text(sql), {"id": initiative_id}) == 1


def test_a_national_entry_has_no_box_in_the_spatial_index(app):
    national = territory_entry("national", "FR")
    if db.engine.dialect.name == "postgresql":
        sql = "SELECT geom IS NULL FROM initiatives WHERE id = :id"
        assert db.session.scalar(sa.text(sql), {"id": national.id}) is True
    else:
        sql = "SELECT count(*) FROM initiatives_rtree WHERE id = :id"
        assert db.session.scalar(sa.text(sql), {"id": national.id}) == 0


def test_a_new_territory_at_the_same_scope_needs_no_scope(app):
    entry = territory_entry("departemental", "22")
    with write_transaction():
        update_initiative(entry, {"territory": "29"}, author=None)
    assert columns(entry)[5:7] == ("29", "53")
    with pytest.raises(InvalidInitiative) as refused:
        with write_transaction():
            update_initiative(entry, {"lon": 2.35, "lat": 48.85}, author=None)
    assert "location" in refused.value.errors


def test_the_revision_records_the_scope(app):
    entry = territory_entry("regional", "53")
    revision = db.session.scalars(sa.text(
        "SELECT after FROM revisions WHERE initiative_id = :id").bindparams(id=entry.id)).one()
    assert '"scope": "regional"' in revision or (isinstance(revision, dict)
                                                 and revision["scope"] == "regional")
