"""The two-level category tree: defaults, admin edits, filters with counts, API, migration."""

import html
import re

import orjson
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from app.initiatives.taxonomy import CATEGORIES_FILE, default_categories
from app.models import Initiative, Theme
from tests.factories import count, login, make_initiative
from tests.page_parsers import map_config_of

BEFORE_CATEGORIES = "f2a9c6e1d3b7"


def contrast_on_white(colour: str) -> float:
    """The WCAG contrast ratio of a #RRGGBB colour against white."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def theme(slug: str) -> Theme:
    return db.session.scalar(sa.select(Theme).where(Theme.slug == slug))


def test_default_tree_is_the_one_of_categories_json(themes):
    tree = orjson.loads(CATEGORIES_FILE.read_bytes())["categories"]
    assert count(Theme, Theme.parent_id.is_(None)) == len(tree)
    assert count(Theme) == len(tree) + sum(len(top["children"]) for top in tree)
    food = theme("aide-alimentaire")
    assert food.parent.slug == "solidarite"
    assert food.data_inclusion == "equipement-et-alimentation--alimentation"
    assert theme("numerique").data_inclusion == "numerique"


def test_children_wear_their_top_colour_readable_on_white(themes):
    for category in db.session.scalars(sa.select(Theme)):
        assert contrast_on_white(category.colour) >= 4.5, category.slug
        assert (category.colour, category.icon) == (category.top.colour, category.top.icon)
    tops = db.session.scalars(sa.select(Theme.colour).where(Theme.parent_id.is_(None))).all()
    assert len(set(tops)) == len(tops)


def test_api_themes_give_parent_and_data_inclusion_in_tree_order(client, themes):
    listed = client.get("/api/v1/themes").get_json()["themes"]
    assert [t["slug"] for t in listed] == [c.slug for c in default_categories()]
    by_slug = {t["slug"]: t for t in listed}
    assert by_slug["logement"]["parent"] == "solidarite"
    assert by_slug["logement"]["data_inclusion"] == "logement-hebergement"
    assert by_slug["culture"]["parent"] is None


def test_filtering_by_a_top_category_includes_its_children(client, themes):
    food = make_initiative("Épicerie solidaire", status="published", themes=["aide-alimentaire"])
    top = make_initiative("Réseau d'entraide", status="published", themes=["solidarite"])
    make_initiative("Fab lab", status="published", themes=["fabrication"])
    found = client.get("/api/v1/initiatives?theme=solidarite").get_json()["features"]
    assert sorted(f["id"] for f in found) == sorted([food.id, top.id])
    child = client.get("/api/v1/initiatives?theme=aide-alimentaire").get_json()["features"]
    assert [f["id"] for f in child] == [food.id]
    stats = client.get("/api/v1/stats").get_json()["themes"]
    assert (stats["solidarite"], stats["aide-alimentaire"], stats["economie-locale"]) == (2, 1, 1)


def test_one_initiative_counts_once_in_its_top_category(client, themes):
    make_initiative("Cantine", status="published", themes=["aide-alimentaire", "benevolat"])
    assert client.get("/api/v1/stats").get_json()["themes"]["solidarite"] == 1


def test_list_filters_show_top_categories_with_counts_and_children_without_script(client,
                                                                                   themes):
    make_initiative("Épicerie solidaire", status="published", themes=["aide-alimentaire"])
    make_initiative("Fab lab", status="published", themes=["fabrication"])
    page = client.get("/initiatives?theme=aide-alimentaire").text
    fieldset = page[page.index("choices--tree"):]
    fieldset = fieldset[:fieldset.index("</fieldset>")]
    assert re.search(r'value="solidarite">\s*<label[^>]*>.*Solidarité et entraide '
                     r'<span class="count">\(1\)</span>', fieldset)
    # The chosen child's branch is open; the others stay closed, with their counts.
    assert re.search(r'<details class="subchoices" open>\s*<summary>[^<]*Solidarité',
                     html.unescape(fieldset))
    assert re.search(r'value="aide-alimentaire" checked>', fieldset)
    assert re.search(r'<details class="subchoices">\s*<summary>[^<]*Économie locale',
                     html.unescape(fieldset))
    assert "Fab labs et fabrication <span class=\"count\">(1)</span>" in fieldset
    assert "Épicerie solidaire" in page and "Fab lab<" not in page


def test_moderation_queue_filter_by_top_category_includes_children(client, accounts):
    make_initiative("Épicerie solidaire", themes=["aide-alimentaire"])
    make_initiative("Atelier vélo", themes=["fabrication"])
    login(client, accounts.national)
    page = client.get("/moderation/?theme=solidarite").text
    assert "Épicerie solidaire" in page and "Atelier vélo" not in page


def test_admin_places_a_category_under_a_top_one_and_it_takes_its_colour(client, accounts):
    login(client, accounts.admin)
    health = theme("sante")
    response = client.post("/admin/themes", data={
        "slug": "sante-mentale", "label_fr": "Santé mentale", "label_en": "Mental health",
        "colour": "", "icon": "", "position": "350", "parent_id": str(health.id),
        "data_inclusion": "sante--sante-mentale"})
    assert response.status_code == 302
    added = theme("sante-mentale")
    assert (added.parent_id, added.colour, added.icon) == (health.id, health.colour, health.icon)
    assert added.data_inclusion == "sante--sante-mentale"
    page = client.get("/admin/themes").text
    assert "Santé mentale" in page and html.escape("Santé et soin") in page


def test_admin_cannot_nest_deeper_than_two_levels(client, accounts):
    login(client, accounts.admin)
    child = theme("aide-alimentaire")
    response = client.post("/admin/themes", data={
        "slug": "colis", "label_fr": "Colis", "label_en": "Parcels", "colour": "#B3261E",
        "icon": "box", "position": "1", "parent_id": str(child.id)})
    assert response.status_code == 400
    assert "Choisissez une catégorie principale." in response.text
    top = theme("solidarite")
    response = client.post(f"/admin/themes/{top.id}", data={
        "slug": top.slug, "label_fr": top.label_fr, "label_en": top.label_en,
        "colour": top.colour, "icon": top.icon, "position": top.position,
        "parent_id": str(theme("culture").id)})
    assert response.status_code == 400
    assert theme("solidarite").parent_id is None


def test_changing_a_top_colour_recolours_its_children_and_their_features(client, accounts):
    initiative = make_initiative("Épicerie", status="published", themes=["aide-alimentaire"])
    top = theme("solidarite")
    login(client, accounts.admin)
    client.post(f"/admin/themes/{top.id}", data={
        "slug": top.slug, "label_fr": top.label_fr, "label_en": top.label_en,
        "colour": "#7A1F1F", "icon": "heart", "position": top.position, "parent_id": ""})
    db.session.expire_all()
    assert (theme("aide-alimentaire").colour, theme("aide-alimentaire").icon) == \
        ("#7A1F1F", "heart")
    umap = client.get("/export/initiatives.umap").get_json()
    layer = next(layer for layer in umap["layers"]
                 if layer["features"][0]["id"] == initiative.id)
    assert layer["_umap_options"]["color"] == "#7A1F1F"


def test_a_top_category_with_children_is_not_deleted(client, accounts):
    login(client, accounts.admin)
    top = theme("culture")
    client.post(f"/admin/themes/{top.id}/delete")
    assert theme("culture") is not None


def session_theme_rows() -> dict[int, list[str]]:
    """Each initiative's theme slugs, read by SQL (the models know the newer schema)."""
    rows = db.session.execute(sa.text(
        "SELECT t.initiative_id, s.slug FROM initiative_themes t "
        "JOIN themes s ON s.id = t.theme_id ORDER BY s.slug")).all()
    found: dict[int, list[str]] = {}
    for initiative_id, slug in rows:
        found.setdefault(initiative_id, []).append(slug)
    return found


def test_migration_moves_session_themes_to_categories_and_keeps_admin_themes(app, themes):
    crisis = make_initiative("Cellule de crise", status="published",
                             themes=["gestion-de-crise", "retours-experience"]).id
    rights = make_initiative("Permanence d'accès aux droits", status="published",
                             themes=["acces-aux-droits"]).id
    db.session.remove()
    downgrade(revision=BEFORE_CATEGORIES)
    assert session_theme_rows() == {crisis: ["crisis-management", "learning-from-crisis"],
                                    rights: ["inequality-inclusion"]}
    db.session.execute(sa.text(
        "INSERT INTO themes (slug, label_fr, label_en, colour, icon, position) "
        "VALUES ('ateliers', 'Ateliers', 'Workshops', '#1B6E3A', 'tools', 3)"))
    db.session.execute(sa.text(
        "INSERT INTO initiative_themes (initiative_id, theme_id) "
        "SELECT :id, id FROM themes WHERE slug = 'ateliers'"), {"id": rights})
    db.session.commit()
    db.session.remove()
    upgrade()
    assert session_theme_rows() == {crisis: ["gestion-de-crise", "retours-experience"],
                                    rights: ["acces-aux-droits", "ateliers"]}
    assert theme("ateliers").parent_id is None
    assert not count(Theme, Theme.slug.in_(["crisis-management", "learning-from-crisis"]))
    assert count(Theme) == len(default_categories()) + 1
    stored = db.session.scalar(sa.select(Initiative.public_feature).where(
        Initiative.id == crisis))
    assert orjson.loads(bytes(stored))["properties"]["themes"] == [
        "gestion-de-crise", "retours-experience"]
    db.engine.dispose()


def test_a_category_label_with_template_syntax_stays_text_on_the_map(client, accounts):
    top = theme("culture")
    login(client, accounts.admin)
    client.post(f"/admin/themes/{top.id}", data={
        "slug": top.slug, "label_fr": "{{ 7*7 }} {% raw %}", "label_en": "{# x",
        "colour": top.colour, "icon": top.icon, "position": top.position, "parent_id": ""})
    page = client.get("/")
    assert page.status_code == 200
    # The script reads the label as typed: nothing was evaluated, nothing escaped twice.
    assert map_config_of(page.text)["themes"]["culture"]["label"] == "{{ 7*7 }} {% raw %}"
    assert "{\\u007b 7*7 }} \\u007b% raw %}" in page.text
