"""Atom feeds of the lists: valid Atom, the list's filters, public fields only, PUBLIC_URL links,
validators, and the pages that announce them."""

import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from lxml import etree

from app.database import write_transaction
from app.extensions import db
from app.initiatives.services import update_initiative
from app.models import Initiative
from tests.factories import BORDEAUX, SECRET_EMAIL, make_initiative

NS = {"a": "http://www.w3.org/2005/Atom"}
ATOM = "application/atom+xml"
PUBLIC = "https://maillage.example.fr"
ALTERNATE = re.compile(r'<link rel="alternate" type="application/atom\+xml" title="([^"]+)" '
                       r'href="([^"]+)">')


def atom(client, url: str, **kwargs):
    """The feed at url, parsed; it must answer 200 as Atom."""
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.text
    assert response.mimetype == ATOM
    return etree.fromstring(response.data)


def texts(feed, path: str) -> list[str]:
    return [element.text for element in feed.iterfind(path, NS)]


def entry_link(entry) -> str:
    """The entry's alternate link (Atom: a link without rel is the alternate one)."""
    links = [link.get("href") for link in entry.iterfind("a:link", NS)
             if link.get("rel", "alternate") == "alternate"]
    assert len(links) == 1
    return links[0]


def publish(name: str, **values) -> Initiative:
    return make_initiative(name, status="published", **values)


def test_feed_is_valid_atom_with_every_required_element(client, seeded):
    feed = atom(client, "/initiatives.atom")
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    for required in ("a:id", "a:title", "a:updated", "a:author/a:name"):
        assert feed.find(required, NS) is not None and feed.find(required, NS).text
    links = {link.get("rel"): link for link in feed.iterfind("a:link", NS)}
    assert links["self"].get("href") == "http://localhost/initiatives.atom"
    assert links["self"].get("type") == ATOM
    assert links["alternate"].get("href") == "http://localhost/initiatives"
    entries = feed.findall("a:entry", NS)
    assert len(entries) == 50  # the 50 newest of the seed's published initiatives
    for entry in entries:
        for required in ("a:id", "a:title", "a:updated"):
            assert entry.find(required, NS).text
        assert "<" not in (entry.findtext("a:summary", "", NS))
    updated = texts(feed, "a:entry/a:updated")
    assert updated == sorted(updated, reverse=True)
    assert len(set(texts(feed, "a:entry/a:id"))) == 50


SERVICES = "continuite-service-public"


def test_each_entry_links_to_its_page_which_answers(client, themes):
    publish("Repair café de Cluny", actor_name="Ville de Cluny", themes=[SERVICES],
            summary="Réparer ensemble.")
    publish("Épicerie solidaire", insee=BORDEAUX)
    feed = atom(client, "/initiatives.atom")
    entries = feed.findall("a:entry", NS)
    assert len(entries) == 2
    for entry in entries:
        assert client.get(urlsplit(entry_link(entry)).path).status_code == 200
        # Its id is the page's URL without the slug: still valid when the name changes.
        assert client.get(urlsplit(entry.findtext("a:id", "", NS)).path).status_code == 302
    cluny = next(e for e in entries if e.findtext("a:title", "", NS) == "Repair café de Cluny")
    assert cluny.findtext("a:author/a:name", "", NS) == "Ville de Cluny"
    assert cluny.findtext("a:summary", "", NS) == "Réparer ensemble."
    assert [c.get("term") for c in cluny.iterfind("a:category", NS)] == [SERVICES]
    assert cluny.find("a:category", NS).get("label")


def test_feed_applies_the_list_filters(client, themes):
    publish("Jardin de Cluny", kind="place", themes=["continuite-service-public"])
    publish("Ressource de Cluny", kind="resource", themes=["gestion-de-crise"])
    publish("Jardin de Bordeaux", kind="place", insee=BORDEAUX, themes=[SERVICES])
    cases = {
        "commune=71137": {"Jardin de Cluny", "Ressource de Cluny"},
        "departement=33": {"Jardin de Bordeaux"},
        "theme=continuite-service-public": {"Jardin de Cluny", "Jardin de Bordeaux"},
        "kind=resource": {"Ressource de Cluny"},
        "kind=place&commune=71137": {"Jardin de Cluny"},
        "q=bordeaux": {"Jardin de Bordeaux"},
    }
    for query, expected in cases.items():
        feed = atom(client, f"/initiatives.atom?{query}")
        assert set(texts(feed, "a:entry/a:title")) == expected, query
        assert feed.findtext("a:id", "", NS) == f"http://localhost/initiatives.atom?{query}"


def test_feed_title_says_what_it_follows(client, themes):
    publish("Jardin de Cluny")
    assert atom(client, "/initiatives.atom?commune=71137").findtext(
        "a:title", "", NS) == "Maillage — initiatives à Cluny"
    assert atom(client, "/initiatives.atom?commune=76351").findtext(  # Le Havre
        "a:title", "", NS) == "Maillage — initiatives au Havre"
    assert atom(client, "/initiatives.atom?departement=71&kind=place").findtext(
        "a:title", "", NS) == "Maillage — initiatives : Saône-et-Loire (71) — Lieu"
    english = atom(client, "/initiatives.atom?commune=71137&lang=en")
    assert english.findtext("a:title", "", NS) == "Maillage — initiatives in Cluny"
    self_link = english.find("a:link[@rel='self']", NS).get("href")
    assert self_link == "http://localhost/initiatives.atom?commune=71137&lang=en"


def test_unpublished_and_private_fields_stay_out(client, themes):
    publish("Publiée")
    make_initiative("En attente")
    make_initiative("Refusée", status="rejected", reason="Hors sujet")
    make_initiative("Archivée", status="archived")
    body = client.get("/initiatives.atom").get_data(as_text=True)
    assert "Publiée" in body
    for hidden in ("En attente", "Refusée", "Archivée", SECRET_EMAIL, "Hors sujet",
                   "example.org"):
        assert hidden not in body
    assert "Archivée" in client.get("/initiatives.atom?status=all").get_data(as_text=True)


def test_links_are_on_public_url_whatever_the_host(app, client, themes):
    app.config["PUBLIC_URL"] = PUBLIC + "/"
    publish("Jardin de Cluny")
    response = client.get("/initiatives.atom?commune=71137", base_url="http://evil.example")
    body = response.get_data(as_text=True)
    assert "evil.example" not in body
    feed = etree.fromstring(response.data)
    urls = [*texts(feed, ".//a:id"), *(link.get("href") for link in feed.iterfind(".//a:link", NS))]
    assert len(urls) == 5 and all(url.startswith(PUBLIC + "/") for url in urls)


@pytest.mark.parametrize("query", ["kind=nope", "bbox=1,2,3", "commune=not-a-code",
                                   "status=secret", "epci=12"])
def test_bad_filters_answer_400_like_the_list(client, themes, query):
    assert client.get(f"/initiatives?{query}").status_code == 400
    assert client.get(f"/initiatives.atom?{query}").status_code == 400


def test_feed_has_validators_and_follows_changes(client, themes):
    first = publish("Jardin de Cluny")
    response = client.get("/initiatives.atom")
    etag = response.headers["ETag"]
    assert response.headers["Last-Modified"] and "max-age" in response.headers["Cache-Control"]
    assert "Accept-Language" in response.headers["Vary"]
    assert client.get("/initiatives.atom", headers={"If-None-Match": etag}).status_code == 304
    with write_transaction():
        update_initiative(db.session.get(Initiative, first.id), {"name": "Jardin renommé"},
                          author=None)
    changed = client.get("/initiatives.atom", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Jardin renommé" in changed.get_data(as_text=True)
    publish("Nouvelle à Cluny")
    titles = texts(etree.fromstring(client.get("/initiatives.atom").data), "a:entry/a:title")
    assert titles[0] == "Nouvelle à Cluny"


def test_summary_is_plain_text_from_the_description(client, themes):
    publish("Sans résumé", summary="",
            description="**Gras** & <b>balise</b> <script>alert(1)</script>\x0b\n\nSuite.")
    entry = atom(client, "/initiatives.atom").find("a:entry", NS)
    summary = entry.find("a:summary", NS)
    assert summary.get("type") in (None, "text")
    # The text as the page shows it, without a tag (the script's text is what was typed).
    assert summary.text == "Gras & balise alert(1) Suite."


@pytest.mark.parametrize(("page", "feed_query"), [
    ("/initiatives", ""),
    ("/", ""),
    ("/initiatives?theme=continuite-service-public", "?theme=continuite-service-public"),
    ("/territoires/", ""),
    ("/territoires/region/27", "?region=27"),
    ("/territoires/71", "?departement=71"),
    ("/territoires/epci/200040293", "?epci=200040293"),
    ("/territoires/commune/71137", "?commune=71137"),
])
def test_pages_announce_their_feed(client, themes, page, feed_query):
    publish("Jardin de Cluny", themes=["continuite-service-public"])
    html = client.get(page).get_data(as_text=True)
    announced = ALTERNATE.findall(html)
    assert len(announced) == 1
    title, href = announced[0]
    assert href == "/initiatives.atom" + feed_query
    assert title.startswith("Maillage — initiatives")
    assert re.search(f'<a href="{re.escape(href)}" type="{re.escape(ATOM)}" title="[^"]+">'
                     "S'abonner \\(Atom\\)</a>", html)
    feed = atom(client, href)
    assert feed.findtext("a:title", "", NS) == title
    assert texts(feed, "a:entry/a:title") == ["Jardin de Cluny"]


def test_english_pages_announce_an_english_feed(client, themes):
    html = client.get("/territoires/commune/71137?lang=en").get_data(as_text=True)
    title, href = ALTERNATE.findall(html)[0]
    assert href == "/initiatives.atom?commune=71137&amp;lang=en"
    assert title == "Maillage — initiatives in Cluny"


def test_feed_keeps_the_fifty_newest(client, themes):
    for number in range(52):
        publish(f"Initiative {number:02d}", private_email=None)
    titles = texts(atom(client, "/initiatives.atom"), "a:entry/a:title")
    newest = db.session.scalars(sa.select(Initiative.name).order_by(
        Initiative.updated_at.desc(), Initiative.id.desc()).limit(50)).all()
    assert titles == newest and "Initiative 00" not in titles
