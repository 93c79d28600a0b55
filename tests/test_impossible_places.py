"""Impossible places and dates: a point far from its commune or outside France, an end
before the start, are refused on every write path and flagged when already stored."""

import html
import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.initiatives.change_sets import propose_change
from app.initiatives.fields import InvalidInitiative
from app.initiatives.moderation import merge
from app.initiatives.services import create_initiative, update_initiative
from app.models import ChangeSet, Initiative
from tests.factories import CLUNY, count, login, make_initiative, proposal_data
from tests.test_import import commit, plan

BREST, FIGEAC = "29019", "46102"
ATLANTIC = (-17.9, 42.0)  # 1,259.x km off Brest, said rounded up
FAR_FROM_BREST = "1260 km"  # a plain number: the message is filled before translation
LONDON = (-0.1276, 51.5072)  # 780 km from Figeac
LOURNAND = (4.6241, 46.4489)  # in Lournand, 139 m across the border of Cluny
RADE_DE_BREST = (-4.49, 48.36)  # at sea, 1.9 km off Brest's shore

pytestmark = pytest.mark.usefixtures("fast_forms", "themes")


def commune_error(page: str) -> str:
    """The error shown next to the commune field, where every error about the place goes."""
    found = re.search(r'<p class="error" id="commune-error">(.*?)</p>', page, re.S)
    return html.unescape(found.group(1)) if found else ""


def refusal(data: dict) -> dict[str, str]:
    """The messages of the initiative rules refusing data."""
    with pytest.raises(InvalidInitiative) as refused, write_transaction():
        create_initiative(data)
    return refused.value.errors


def test_atlantic_pin_for_brest_is_refused_naming_brest_and_kept_on_the_map(client):
    lon, lat = ATLANTIC
    response = client.post("/initiatives/new", data=proposal_data(
        commune="Brest", insee=BREST, lon=str(lon), lat=str(lat)))
    assert response.status_code == 400 and count(Initiative) == 0
    assert commune_error(response.text) == (
        f"Le point placé est à {FAR_FROM_BREST} de Brest : déplacez-le dans la commune ou "
        "choisissez la bonne commune.")
    assert re.search(r'name="lon"[^>]*value="-17.9"', response.text)
    assert re.search(r'"pin": \[42.0, -17.9\]', response.text)  # where it was, to drag back


def test_the_message_is_in_english_on_english_pages(client):
    lon, lat = ATLANTIC
    response = client.post("/initiatives/new?lang=en", data=proposal_data(
        commune="Brest", insee=BREST, lon=str(lon), lat=str(lat)))
    assert response.status_code == 400
    assert commune_error(response.text) == (
        "The point you placed is 1260 km from Brest: move it into the commune or choose the "
        "right commune.")


def test_london_for_figeac_is_refused_by_the_service_itself():
    errors = refusal({"name": "Tiers-lieu", "kind": "place", "insee": FIGEAC,
                      "lon": LONDON[0], "lat": LONDON[1]})
    assert errors == {"location": "Le point placé est à 780 km de Figeac : déplacez-le dans la "
                                  "commune ou choisissez la bonne commune."}
    assert count(Initiative) == 0


def test_a_point_just_across_the_border_is_taken_in_the_commune_it_lies_in():
    initiative = make_initiative(insee=CLUNY, lon=LOURNAND[0], lat=LOURNAND[1])
    assert (initiative.lon, initiative.lat) == LOURNAND
    assert (initiative.insee, initiative.commune_name) == ("71264", "Lournand")


def test_how_far_outside_a_point_may_lie_is_configurable(app):
    app.config["POINT_TOLERANCE_KM"] = 0.1
    errors = refusal({"name": "Jardin", "kind": "place", "insee": CLUNY,
                      "lon": LOURNAND[0], "lat": LOURNAND[1]})
    assert errors["location"].startswith("Le point placé est à 1 km de Cluny")


def test_a_point_at_sea_near_the_shore_belongs_to_the_nearest_commune():
    initiative = make_initiative(lon=RADE_DE_BREST[0], lat=RADE_DE_BREST[1])  # no commune
    assert (initiative.insee, initiative.departement) == (BREST, "29")
    declared = make_initiative("Bateau-école", insee=BREST, lon=RADE_DE_BREST[0],
                               lat=RADE_DE_BREST[1])
    assert declared.insee == BREST


def test_a_point_outside_france_without_a_commune_is_refused():
    errors = refusal({"name": "Ailleurs", "kind": "place", "lon": ATLANTIC[0],
                      "lat": ATLANTIC[1]})
    assert errors["location"].startswith("Le point placé est hors de France")


def test_an_end_before_the_start_is_refused_in_the_form(client):
    response = client.post("/initiatives/new", data=proposal_data(
        started_on="2021-05-01", ended_on="2020-01-31"))
    assert response.status_code == 400 and count(Initiative) == 0
    assert "La date de fin (2020-01-31) précède la date de début (2021-05-01)" in \
        html.unescape(response.text)
    same_day = client.post("/initiatives/new", data=proposal_data(
        started_on="2021-05-01", ended_on="2021-05-01"))
    assert same_day.status_code == 302


def test_an_end_date_changed_alone_must_follow_the_stored_start():
    initiative = make_initiative(started_on="2021-05-01")
    with pytest.raises(InvalidInitiative) as refused, write_transaction():
        update_initiative(initiative, {"ended_on": "2020-01-31"}, author=None)
    assert "précède la date de début (2021-05-01)" in refused.value.errors["ended_on"]
    db.session.refresh(initiative)
    assert initiative.ended_on is None


def test_a_merge_does_not_give_the_target_an_end_before_its_start(accounts):
    target = make_initiative("Atelier vélo", status="published", started_on="2022-01-01")
    source = make_initiative("Atelier velo", ended_on="2021-06-30", summary="Réparations")
    with write_transaction():
        merge(source, target, moderator=accounts.national, reason="", expected_version=None)
    db.session.refresh(target)
    assert (target.started_on.isoformat(), target.ended_on) == ("2022-01-01", None)
    assert target.summary == "Réparations"


def test_a_correction_far_from_its_commune_is_refused(client):
    initiative = make_initiative(status="published")
    response = client.post(f"/initiatives/{initiative.id}/correction", data=proposal_data(
        name=initiative.name, summary="", website="", themes=["gestion-de-crise"],
        private_email="", lon=str(LONDON[0]), lat=str(LONDON[1])))
    assert response.status_code == 400 and count(ChangeSet) == 0
    assert "km de Cluny" in commune_error(response.text)


def test_a_moderator_edit_far_from_its_commune_is_refused(client, accounts):
    initiative = make_initiative(insee=FIGEAC)
    login(client, accounts.national)
    response = client.post(f"/moderation/initiatives/{initiative.id}/edit", data={
        "name": initiative.name, "kind": "initiative", "commune": "Figeac", "insee": FIGEAC,
        "lon": str(LONDON[0]), "lat": str(LONDON[1]), "themes": ["gestion-de-crise"],
        "version": initiative.version})
    assert response.status_code == 400
    assert "780 km de Figeac" in commune_error(response.text)
    db.session.refresh(initiative)
    assert (initiative.insee, initiative.version) == (FIGEAC, 1)


IMPOSSIBLE_ROWS = ("name,commune,lat,lon,started_on,ended_on\n"
                   f"Au large,Brest,{ATLANTIC[1]},{ATLANTIC[0]},,\n"
                   f"À Londres,Figeac,{LONDON[1]},{LONDON[0]},,\n"
                   f"Juste à côté,Cluny,{LOURNAND[1]},{LOURNAND[0]},,\n"
                   "À l'envers,Cluny,,,2021-05-01,2020-01-31\n")


def test_import_rows_with_impossible_places_or_dates_are_errors():
    rows = plan(IMPOSSIBLE_ROWS).rows
    assert [row.action for row in rows] == ["error", "error", "create", "error"]
    assert rows[0].reasons == [f"Localisation : Le point placé est à {FAR_FROM_BREST} de Brest : "
                               "déplacez-le dans la commune ou choisissez la bonne commune."]
    assert "780 km de Figeac" in rows[1].reasons[0]
    assert rows[3].reasons == ["Date de fin : La date de fin (2020-01-31) précède la date de début "
                               "(2021-05-01) : corrigez l'une ou l'autre."]
    assert commit(IMPOSSIBLE_ROWS).written == 1
    assert db.session.scalar(sa.select(Initiative.insee)) == "71264"  # Lournand


def test_an_import_giving_only_an_end_before_the_stored_start_is_an_error():
    initiative = make_initiative(started_on="2021-05-01", external_id="import:test:7")
    report = plan("id,name,commune,ended_on\n7,Jardin partagé des Griottes,Cluny,2020-01-31\n")
    assert report.rows[0].action == "error" and report.rows[0].target_id == initiative.id
    assert "précède la date de début (2021-05-01)" in report.rows[0].reasons[0]


def test_the_command_line_reports_impossible_rows_in_french(runner, tmp_path):
    path = tmp_path / "lignes.csv"
    path.write_text(IMPOSSIBLE_ROWS)
    result = runner.invoke(args=["import", str(path), "--dry-run"])
    assert f"{FAR_FROM_BREST} de Brest" in result.output and "780 km de Figeac" in result.output


def stored_without_the_rules(initiative: Initiative, **values) -> None:
    """Change the row itself, as data kept from before the rules (or a manual fix) may be."""
    with write_transaction():
        db.session.execute(sa.update(Initiative).where(Initiative.id == initiative.id)
                           .values(**values))
    db.session.expire_all()


def test_review_page_flags_a_stored_point_far_from_its_commune(client, accounts):
    initiative = make_initiative(insee=BREST)
    login(client, accounts.national)
    assert 'id="data-warnings"' not in client.get(
        f"/moderation/initiatives/{initiative.id}").text
    stored_without_the_rules(initiative, lon=ATLANTIC[0], lat=ATLANTIC[1],
                             started_on=date(2021, 5, 1), ended_on=date(2020, 1, 31))
    page = html.unescape(client.get(f"/moderation/initiatives/{initiative.id}").text)
    warnings = page[page.index('id="data-warnings"'):page.index("</ul>", page.index(
        'id="data-warnings"'))]
    assert f"Le point placé est à {FAR_FROM_BREST} de Brest" in warnings
    assert "La date de fin (2020-01-31) précède la date de début (2021-05-01)" in warnings


def test_approving_a_correction_kept_from_before_the_rules_says_why_it_cannot(client,
                                                                             accounts):
    initiative = make_initiative(status="published", insee=BREST)
    with write_transaction():
        change_set = propose_change(initiative, {"summary": "Au large"}, author=None,
                                    email=None, message="")
        change_set.changes = {"lon": ATLANTIC[0], "lat": ATLANTIC[1]}  # as stored long ago
    login(client, accounts.national)
    response = client.post(f"/moderation/change-sets/{change_set.id}/decision",
                           data={"decision": "approve", "version": change_set.version})
    assert response.status_code == 400  # the point alone moved: it must be in France
    assert "Le point placé est hors de France" in html.unescape(response.text)
    db.session.refresh(initiative), db.session.refresh(change_set)
    assert initiative.lon != ATLANTIC[0] and change_set.status == "pending"


def test_an_import_row_says_its_far_point_beside_its_other_errors():
    rows = plan(f"name,commune,lat,lon,website\n,Figeac,{LONDON[1]},{LONDON[0]},ftp://x\n").rows
    assert rows[0].action == "error" and len(rows[0].reasons) == 3
    assert "780 km de Figeac" in " ".join(rows[0].reasons)
