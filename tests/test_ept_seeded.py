"""Grand-Orly Seine Bièvre's seeded entries are filed under it (needs Initiative.scope)."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Initiative

GRAND_ORLY = "200058014"
ENTRIES = {"seed:grand-orly-seine-bievre-rythmer-la-crise",
           "seed:grand-orly-seine-bievre-initiatives-agents"}


def test_its_seeded_entries_are_filed_under_it_not_under_the_metropole(app, seeded):
    filed = db.session.execute(sa.select(
        Initiative.external_id, Initiative.scope, Initiative.epci, Initiative.departement,
        Initiative.region, Initiative.lon).where(Initiative.external_id.in_(ENTRIES))).all()
    assert {tuple(row[1:]) for row in filed} == {("intercommunal", GRAND_ORLY, None, "11", None)}
    assert {row[0] for row in filed} == ENTRIES


def test_its_page_and_the_api_name_it(client, seeded):
    page = client.get(f"/territoires/epci/{GRAND_ORLY}")
    assert page.status_code == 200
    assert "Grand-Orly Seine Bièvre" in page.text
    api = client.get(f"/api/v1/initiatives?epci={GRAND_ORLY}").get_json()
    assert {f["properties"]["territory_name"] for f in api["features"]} >= {
        "Grand-Orly Seine Bièvre"}
    assert all(f["geometry"] is None for f in api["features"])
