"""/api/v1/map/names: the names the map's markers in view take as accessible name and
tooltip (the points themselves carry none, to stay small)."""

import pytest

from tests.factories import make_initiative
from tests.page_parsers import map_config_of

pytestmark = pytest.mark.usefixtures("app")


def test_names_of_public_initiatives_by_id(client, themes):
    garden = make_initiative("Jardin partagé", status="published")
    archived = make_initiative("Ancien repair café", status="archived")
    pending = make_initiative("Proposition en attente")
    rejected = make_initiative("Proposition refusée", status="rejected")
    ids = ",".join(str(i.id) for i in (garden, archived, pending, rejected))
    response = client.get(f"/api/v1/map/names?ids={ids},999999")
    assert response.status_code == 200
    assert response.json == {str(garden.id): "Jardin partagé",
                             str(archived.id): "Ancien repair café"}


def test_names_answer_not_modified_to_a_matching_etag(client, themes):
    garden = make_initiative("Jardin partagé", status="published")
    first = client.get(f"/api/v1/map/names?ids={garden.id}")
    again = client.get(f"/api/v1/map/names?ids={garden.id}",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("ids", ["", "1,,2", "a,b", "1;2", ",".join(map(str, range(1, 502)))])
def test_names_refuse_anything_but_a_short_list_of_ids(client, themes, ids):
    response = client.get(f"/api/v1/map/names?ids={ids}")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_filter"


def test_the_map_knows_where_to_ask_for_names(client, themes):
    assert map_config_of(client.get("/").text)["namesUrl"] == "/api/v1/map/names"
