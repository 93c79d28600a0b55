"""The forms group the category checkboxes under their top category, in the page's language."""

import re

import pytest

from app.initiatives.taxonomy import default_categories
from tests.factories import login, make_initiative

pytestmark = pytest.mark.usefixtures("fast_forms", "themes")

GROUP = re.compile(r'<fieldset class="category-group">\s*<legend>(.*?)</legend>(.*?)</fieldset>',
                   re.S)
CHECKBOX = re.compile(r'<input([^>]*type="checkbox"[^>]*)>')
VALUE = re.compile(r'value="([^"]+)"')


def groups(page: str) -> dict[str, list[str]]:
    """Each group's legend and the values of its checkboxes, in order."""
    return {legend: [VALUE.search(tag).group(1) for tag in CHECKBOX.findall(body)]
            for legend, body in GROUP.findall(page)}


def expected_groups(locale: str = "fr") -> dict[str, list[str]]:
    label = "label_en" if locale == "en" else "label_fr"
    tops = [c for c in default_categories() if c.parent is None]
    return {getattr(top, label): [c.slug for c in default_categories() if c.parent == top.slug]
            for top in tops}


def test_proposal_form_groups_the_children_under_each_top_category(client):
    page = client.get("/initiatives/new").text
    found = groups(page)
    assert found == expected_groups()
    assert sum(map(len, found.values())) == len(default_categories()) - len(found) >= 30
    assert found["Solidarité et entraide"][:2] == ["aide-alimentaire", "entraide-voisinage"]


def test_english_form_labels_groups_and_checkboxes_in_english(client):
    page = client.get("/initiatives/new?lang=en").text
    assert groups(page) == expected_groups("en")
    assert re.search(r'<label for="[^"]+">Food aid</label>', page)


def test_moderation_form_groups_them_too_and_keeps_a_chosen_top_category(client, accounts):
    initiative = make_initiative(themes=["solidarite", "aide-alimentaire"])
    login(client, accounts.moderator_71)
    page = client.get(f"/moderation/initiatives/{initiative.id}/edit").text
    found = groups(page)
    assert found["Solidarité et entraide"][:2] == ["solidarite", "aide-alimentaire"]
    assert found["Inclusion numérique"] == expected_groups()["Inclusion numérique"]
    checked = {VALUE.search(tag).group(1) for tag in CHECKBOX.findall(page) if "checked" in tag}
    assert checked == {"solidarite", "aide-alimentaire"}


def test_a_grouped_checkbox_still_files_the_proposal(client):
    from tests.factories import proposal_data

    response = client.post("/initiatives/new", data=proposal_data(themes=["aide-alimentaire"]))
    assert response.status_code == 302
