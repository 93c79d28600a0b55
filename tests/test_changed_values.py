"""One reading of what changes, for the corrections and the imports alike."""

from datetime import date

import pytest

from app.initiatives.changes import changed_values
from tests.factories import make_initiative

pytestmark = pytest.mark.usefixtures("themes")


@pytest.fixture
def initiative(app):
    return make_initiative(status="published", tags=["vélo"], external_id="src:1",
                           themes=["gestion-de-crise", "retours-experience"])


def test_a_moved_point_brings_both_coordinates(initiative):
    changes = changed_values(initiative, {"lon": initiative.lon, "lat": 46.5})
    assert changes == {"lon": initiative.lon, "lat": 46.5}


def test_no_point_keeps_the_stored_one_and_a_new_commune_its_own_point(initiative):
    changes = changed_values(initiative, {"insee": "33063", "lon": None, "lat": None})
    assert changes == {"insee": "33063", "location_precision": "commune"}


def test_values_as_they_would_be_stored_are_no_change(initiative):
    assert changed_values(initiative, {
        "tags": ["Vélo"], "themes": ["retours-experience", "gestion-de-crise"],
        "summary": None, "lon": round(initiative.lon, 6), "external_id": "other:2"}) == {}


def test_dates_come_json_ready(initiative):
    assert changed_values(initiative, {"started_on": date(2024, 6, 1)}) == {
        "started_on": "2024-06-01"}
