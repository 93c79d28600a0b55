"""Grand-Orly Seine Bièvre, an EPT the gazetteer's source lacks, is a territory of its own."""

from app.geo.territory import current_gazetteer

GRAND_ORLY = "200058014"


def test_the_gazetteer_names_the_ept_beside_the_epcis(app):
    ept = current_gazetteer().epci(GRAND_ORLY)
    assert (ept["name"], ept["type"], ept["departements"]) == (
        "Grand-Orly Seine Bièvre", "EPT", ["94", "91"])
    assert current_gazetteer().epci("200054781")["type"] == "ME"  # the métropole is still there
    assert current_gazetteer().epci("200058015") is None


def test_the_ept_has_a_page_of_its_own(client):
    page = client.get(f"/territoires/epci/{GRAND_ORLY}")
    assert page.status_code == 200
    assert "Grand-Orly Seine Bièvre" in page.text
