"""The région and département filters: only the région's départements are offered, and a
région with a département of another one is said to match nothing, not silently empty."""

import json
import re
from html import unescape

import pytest

from tests.factories import BORDEAUX, make_initiative

pytestmark = pytest.mark.usefixtures("app")

BRETAGNE, BOURGOGNE_FC = "53", "27"


def departement_options(html: str) -> list[str]:
    select = re.search(r'<select id="filter-departement".*?</select>', html, re.S).group(0)
    return [code for code in re.findall(r'<option value="([^"]*)"', select) if code]


@pytest.fixture
def two_initiatives(themes):
    make_initiative("Tiers-lieu de Cluny", status="published")
    make_initiative("Tiers-lieu bordelais", status="published", insee=BORDEAUX)


def test_without_a_region_every_departement_is_offered(client, two_initiatives):
    options = departement_options(client.get("/initiatives").text)
    assert len(options) >= 100 and {"29", "33", "71"} <= set(options)


@pytest.mark.parametrize("path", ["/", "/initiatives"])
def test_a_chosen_region_offers_only_its_departements(client, two_initiatives, path):
    html = client.get(f"{path}?region={BRETAGNE}").text
    assert departement_options(html) == ["22", "29", "35", "56"]


def test_every_departement_with_its_region_is_given_to_the_form_script(client, two_initiatives):
    html = client.get(f"/initiatives?region={BRETAGNE}").text
    attribute = re.search(r'data-departements="([^"]*)"', html).group(1)
    departements = {d["code"]: d for d in json.loads(unescape(attribute))}
    assert departements["33"] == {"code": "33", "label": "Gironde (33)", "region": "75"}
    assert departements["29"]["region"] == BRETAGNE and len(departements) >= 100


@pytest.mark.parametrize("path", ["/", "/initiatives"])
def test_a_departement_outside_the_region_is_said_to_match_nothing(client, two_initiatives,
                                                                    path):
    html = client.get(f"{path}?region={BRETAGNE}&departement=33").text
    assert "0 initiative" in html
    warning = re.search(r'<p class="notice" id="filter-warning">(.*?)</p>', html, re.S).group(1)
    assert "Gironde (33)" in unescape(warning) and "Bretagne" in unescape(warning)
    # The form shows what the address says, marked wrong with the reason next to it.
    assert departement_options(html) == ["22", "29", "33", "35", "56"]
    assert re.search(r'<select id="filter-departement" name="departement" aria-invalid="true"'
                     r' aria-describedby="filter-departement-error"', html)
    assert 'id="filter-departement-error">Le département Gironde (33)' in unescape(html)


def test_the_mismatch_is_explained_in_english_too(client, two_initiatives):
    html = unescape(client.get(f"/initiatives?region={BRETAGNE}&departement=33&lang=en").text)
    assert "The département Gironde (33) is not in the région Bretagne" in html


def test_a_departement_within_the_region_is_no_mismatch(client, two_initiatives):
    html = client.get(f"/initiatives?region={BOURGOGNE_FC}&departement=71").text
    assert 'id="filter-warning"' not in html and "aria-invalid" not in html
    assert "Tiers-lieu de Cluny" in html and "Tiers-lieu bordelais" not in html
