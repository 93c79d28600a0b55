"""The plain-text `description` of the API and the exports holds no HTML tag (issue 13)."""

import csv
import io
import re

import orjson
import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from hypothesis import given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.initiatives.plain_text import without_html
from app.initiatives.umap_markup import markdown_to_umap
from tests.factories import make_initiative

# What an HTML tokenizer reads as the start of a tag, a closing tag, a comment or a declaration.
TAG_START = re.compile(r"<[A-Za-z/!?]")
PIECES = ["<", ">", "<<", "b", "img", " src=x", " onerror=alert(1)", "/", "!", "?", "--", "&",
          "lt;", "gt;", "&#60;", "&lt;", "script", "style", "textarea", "plaintext", '"', "'",
          "=", " ", "\n", "[", "](https://a.fr)", "](", "https://a.fr", "!", "x", "é", "\x00"]
HOSTILE = ["<<b>img src=x onerror=alert(1)>", "<<script>script>alert(1)<</script>/script>",
           "<<!-- -->svg onload=alert(1)>", "<</b>img src=x onerror=alert(1)>",
           "&lt;img src=x onerror=alert(1)&gt;<b></b>", "<scr<b>ipt>alert(1)</script>"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_no_tag_survives_the_description_cleanup(text):
    assert not TAG_START.search(markdown_to_umap(text))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_text_without_angle_brackets_is_kept_as_typed(text):
    text = text.replace("<", "")
    assert without_html(text) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_rebuilt_tags_stay_text(text):
    assert not TAG_START.search(markdown_to_umap(text))


def test_descriptions_keep_their_text_links_and_entities():
    assert markdown_to_umap("Voir [le site](https://a.fr/?x=1&region=2) et <b>gras</b>, 3 < 5 "
                            "&amp; &lt;i&gt;.") == \
        "Voir [[https://a.fr/?x=1&region=2|le site]] et gras, 3 < 5 &amp; &lt;i&gt;."


def test_api_and_exports_give_no_tag_of_a_hostile_description(client, themes):
    ids = [make_initiative(f"Atelier {n}", status="published", private_email=None,
                           description=text).id for n, text in enumerate(HOSTILE)]
    descriptions = [client.get(f"/api/v1/initiatives/{id_}").get_json()["properties"]
                    ["description"] for id_ in ids]
    geojson = orjson.loads(client.get("/export/initiatives.geojson").data)
    descriptions += [f["properties"]["description"] for f in geojson["features"]]
    umap = orjson.loads(client.get("/export/initiatives.umap").data)
    descriptions += [f["properties"]["description"] for layer in umap["layers"]
                     for f in layer["features"]]
    rows = csv.DictReader(io.StringIO(client.get("/export/initiatives.csv").data
                                      .decode("utf-8-sig"), newline=""))
    descriptions += [row["description"] for row in rows]
    assert len(descriptions) == 4 * len(HOSTILE)
    assert not [text for text in descriptions if TAG_START.search(text)]


def test_migration_rewrites_the_stored_features_of_descriptions_with_html(app, themes):
    hostile = make_initiative("Atelier", status="published", private_email=None,
                              description="<<b>img src=x onerror=alert(1)>").id
    plain = make_initiative("Jardin", status="published", private_email=None,
                            description="Des légumes & des fleurs.").id
    old = orjson.dumps({"description": "<img src=x onerror=alert(1)>"})[1:-1]
    with db.engine.begin() as connection:  # the feature as the old cleanup stored it
        stored = bytes(connection.scalar(sa.text(
            "SELECT public_feature FROM initiatives WHERE id = :id"), {"id": hostile}))
        start = stored.index(b'"description":')
        end = stored.index(b',"summary"', start)
        connection.execute(sa.text("UPDATE initiatives SET public_feature = :f WHERE id = :id"),
                           {"f": stored[:start] + old + stored[end:], "id": hostile})
        before = bytes(connection.scalar(sa.text(
            "SELECT public_feature FROM initiatives WHERE id = :id"), {"id": plain}))
    db.session.remove()
    downgrade(revision="c4e8a2f6d1b9")
    upgrade()
    with db.engine.connect() as connection:
        features = dict(connection.execute(sa.text(
            "SELECT id, public_feature FROM initiatives WHERE id IN (:a, :b)"),
            {"a": hostile, "b": plain}).all())
    db.engine.dispose()
    assert orjson.loads(bytes(features[hostile]))["properties"]["description"] == \
        "&lt;img src=x onerror=alert(1)>"
    assert bytes(features[plain]) == before
