"""A territory page's count says how many initiatives are in it and how many cover it whole."""

import re

import pytest

from tests.test_scope_api import mixed  # noqa: F401 (a fixture)


def count_line(client, url: str) -> str:
    page = client.get(url, follow_redirects=True).get_data(True)
    return re.search(r'<p class="result-count" id="result-count">(.*?)</p>', page).group(1)


@pytest.mark.parametrize(("url", "expected"), [
    # Saint-Brieuc: nothing placed there, the Côtes-d'Armor and France entries cover it.
    ("/territoires/commune/22278",
     "Aucune initiative située dans ce territoire ; 2 initiatives le couvrent tout entier"),
    ("/territoires/commune/71137",
     "1 initiative située dans ce territoire ; 1 initiative le couvre tout entier"),
    ("/territoires/22",
     "1 initiative située dans ce territoire ; 1 initiative le couvre tout entier"),
])
def test_the_count_names_the_entries_covering_the_territory(client, mixed, url,  # noqa: F811
                                                             expected):
    assert count_line(client, url) == expected


def test_without_covering_entries_the_count_is_the_plain_one(client, app):
    assert count_line(client, "/territoires/commune/71137") == "0 initiatives"
