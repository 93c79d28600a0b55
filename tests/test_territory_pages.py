"""Territory pages: their counts against a Python reference, and their kept maps' freshness."""

import json
import re
from collections import Counter

import pytest
import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.initiatives.services import update_initiative
from app.initiatives.themes import save_theme
from app.models import Initiative, Theme
from tests.factories import make_initiative

AREA_ROW = re.compile(r'<tr><th scope="row"><a href="[^"]*">[^<]*</a></th><td>(\w+)</td>'
                      r'<td class="num">(\d+)</td></tr>')
PAGES = {  # page: (filter column and value, column counted per area)
    "/territoires/": (None, "departement"),
    "/territoires/region/53": (("region", "53"), "departement"),
    "/territoires/35": (("departement", "35"), "insee"),
    "/territoires/epci/243500139": (("epci", "243500139"), "insee"),
}
# The seed corpus locates no resource in Ille-et-Vilaine: the Breton and national ones cover a
# whole territory, so these pages count none per commune and list them under the table.
NO_AREA = {("/territoires/35", "resource"), ("/territoires/epci/243500139", "resource")}


def area_counts(html: str) -> dict[str, int]:
    return {code: int(count) for code, count in AREA_ROW.findall(html)}


def map_themes(html: str) -> dict:
    """The categories' labels and colours the page's map script is given."""
    start = html.index("{", html.index('"themes": '))
    return json.JSONDecoder().raw_decode(html, start)[0]


def expected_counts(page: str, kind: str | None = None) -> Counter:
    """The published initiatives per area of a page, counted in Python: an entry counts in
    the area whose code it holds, so a département's own whole-territory entries (and an EPCI's
    within one département) count in it on the France and région pages; entries without a
    commune count in no commune, nor a région's or France's in any département."""
    within, per = PAGES[page]
    rows = db.session.scalars(sa.select(Initiative).where(Initiative.status == "published"))
    return Counter(getattr(i, per) for i in rows
                   if (within is None or getattr(i, within[0]) == within[1])
                   and (kind is None or i.kind == kind) and getattr(i, per) is not None)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("kind", [None, "resource"])
def test_territory_pages_count_as_the_reference(client, seeded, page, kind):
    query = f"?kind={kind}" if kind else ""
    html = client.get(page + query).get_data(as_text=True)
    shown = area_counts(html)
    expected = expected_counts(page, kind)
    assert {code: n for code, n in shown.items() if n} == dict(expected)
    if (page, kind) in NO_AREA:
        assert not shown and "Aucune initiative publiée pour l'instant." in html
        assert "Carte des fab labs de Bretagne" in html  # a regional resource, listed below
    else:
        assert shown


def test_kept_map_follows_the_counts(client, seeded):
    first = client.get("/territoires/35").get_data(as_text=True)
    rennes = area_counts(first)["35238"]
    assert f"Rennes : {rennes} initiative" in first
    assert client.get("/territoires/35").get_data(as_text=True).count("Rennes : ") == 1
    make_initiative("Nouvelle à Rennes", kind="place", insee="35238", status="published",
                    private_email=None)
    again = client.get("/territoires/35").get_data(as_text=True)
    assert area_counts(again)["35238"] == rennes + 1
    assert f"Rennes : {rennes + 1} initiatives" in again


def test_kept_map_follows_a_move_between_areas(client, seeded):
    moved = db.session.scalar(sa.select(Initiative).where(
        Initiative.status == "published", Initiative.departement == "35"))
    before = area_counts(client.get("/territoires/").get_data(as_text=True))
    with write_transaction():
        update_initiative(db.session.get(Initiative, moved.id), {"insee": "69123"}, author=None)
    after = area_counts(client.get("/territoires/").get_data(as_text=True))
    assert after["35"] == before["35"] - 1 and after["69"] == before.get("69", 0) + 1
    assert {code: n for code, n in after.items() if n} == dict(expected_counts("/territoires/"))


def test_kept_map_is_per_filter(client, seeded):
    plain = client.get("/territoires/35").get_data(as_text=True)
    filtered = client.get("/territoires/35?kind=resource").get_data(as_text=True)
    assert "kind=resource" in filtered and "kind=resource" not in plain


def test_kept_map_follows_a_renamed_theme(client, seeded):
    before = map_themes(client.get("/territoires/35").get_data(as_text=True))
    assert before["gestion-de-crise"]["label"] == "Gestion de crise"
    with write_transaction():
        theme = db.session.scalar(sa.select(Theme).filter_by(slug="gestion-de-crise"))
        save_theme({"slug": theme.slug, "label_fr": "Crise et urgence", "label_en": "Crisis",
                    "colour": "#123456", "icon": theme.icon, "position": theme.position}, theme)
    themes = map_themes(client.get("/territoires/35").get_data(as_text=True))
    assert themes["gestion-de-crise"] == {"label": "Crise et urgence", "colour": "#123456"}
    assert "Gestion de crise" not in {theme["label"] for theme in themes.values()}
