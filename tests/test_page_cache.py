"""An initiative's page kept whole for anonymous visitors: always current, never shared wrongly."""

import re
from pathlib import Path

import pytest

from app.caching import code_stamp, page_files, shared_values
from app.caching import pages as page_cache
from app.caching.bounded import app_cache
from app.database import write_transaction
from app.extensions import db
from app.initiatives.services import update_initiative
from app.initiatives.themes import save_theme
from app.models import Initiative, Theme
from app.public import routes
from tests.conftest import make_app
from tests.factories import PARIS, login, make_initiative, recorded_statements

pytestmark = pytest.mark.usefixtures("app")
NONCE = re.compile(r'<script[^>]* nonce="([^"]+)"')


def page(client, initiative_id: int, query: str = "", **kwargs):
    response = client.get(f"/initiatives/{initiative_id}{query}", follow_redirects=True, **kwargs)
    assert response.status_code == 200
    return response


def kept_pages() -> int:
    return len(app_cache("pages", page_cache.PAGE_CACHE_BYTES).entries)


def without_nonces(html: str) -> str:
    return NONCE.sub("<script nonce=\"\"", html)


def test_each_response_of_a_kept_page_has_its_own_nonce(client, themes):
    initiative_id = make_initiative("Visières de Rennes", status="published", insee=PARIS,
                                    summary="Résumé de test.", private_email=None).id
    first, second = page(client, initiative_id), page(client, initiative_id)
    assert kept_pages() == 1
    nonces = []
    for response in (first, second):
        html = response.get_data(as_text=True)
        found = set(NONCE.findall(html))
        assert len(found) == 1, "every script of a response carries the same nonce"
        nonce = found.pop()
        assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
        assert page_cache.nonce_placeholder() not in html
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
    assert without_nonces(first.get_data(as_text=True)) == without_nonces(
        second.get_data(as_text=True))


def test_a_kept_page_costs_one_statement_and_no_transaction(client, themes):
    initiative_id = make_initiative("Visières de Rennes", status="published", insee=PARIS,
                                    private_email=None).id
    path = client.get(f"/initiatives/{initiative_id}").headers["Location"]  # its slug
    assert client.get(path).status_code == 200
    with recorded_statements() as statements:
        assert client.get(path).status_code == 200
    assert [s.split()[0] for s in statements] == ["SELECT"]  # the page's stamp; no BEGIN


def test_a_kept_page_is_byte_for_byte_what_rendering_gives(app, client, themes):
    initiative_id = make_initiative("Réseau solidaire de Cluny", description="**Gras**",
                                    status="published", insee=PARIS, summary="Résumé de test.",
                                    private_email=None).id
    kept = page(client, initiative_id).get_data(as_text=True)
    app.config.update(PAGE_CACHE_BYTES=0, API_PAGE_FILES_BYTES=0)  # rendered every time
    app.extensions.pop("maillage_cache_pages")
    fresh = page(client, initiative_id).get_data(as_text=True)
    assert without_nonces(kept) == without_nonces(fresh)


def test_an_edit_shows_at_once(client, themes):
    initiative_id = make_initiative("Cellule d'appel du CCAS", summary="Avant.", status="published",
                                    insee=PARIS, private_email=None).id
    assert "Avant." in page(client, initiative_id).get_data(as_text=True)
    with write_transaction():
        update_initiative(db.session.get(Initiative, initiative_id),
                          {"summary": "Après la modification."}, author=None)
    html = page(client, initiative_id).get_data(as_text=True)
    assert "Après la modification." in html and "Avant." not in html


def test_a_renamed_or_recoloured_theme_shows_at_once(client, themes):
    initiative_id = make_initiative("Initiative de test", status="published", insee=PARIS,
                                    summary="Résumé de test.", private_email=None).id
    assert "Gestion de crise" in page(client, initiative_id).get_data(as_text=True)
    with write_transaction():
        theme = db.session.scalar(db.select(Theme).filter_by(slug="gestion-de-crise"))
        save_theme({"slug": theme.slug, "label_fr": "Crise et urgence", "label_en": "Crisis",
                    "colour": "#123456", "icon": theme.icon, "position": theme.position}, theme)
    html = page(client, initiative_id).get_data(as_text=True)
    assert "Crise et urgence" in html and "Gestion de crise" not in html
    assert "#123456" in html


def test_archiving_and_unpublishing_show_at_once(client, themes):
    initiative_id = make_initiative("Initiative de test", status="published", insee=PARIS,
                                    summary="Résumé de test.", private_email=None).id
    page(client, initiative_id)
    with write_transaction():
        db.session.get(Initiative, initiative_id).status = "archived"
    assert "Initiative archivée." in page(client, initiative_id).get_data(as_text=True)
    with write_transaction():
        db.session.get(Initiative, initiative_id).status = "rejected"
    assert client.get(f"/initiatives/{initiative_id}", follow_redirects=True).status_code == 404


def test_languages_and_hosts_get_their_own_page(client, themes):
    initiative_id = make_initiative("Initiative de test", status="published", insee=PARIS,
                                    summary="Résumé de test.", private_email=None).id
    french = page(client, initiative_id).get_data(as_text=True)
    english = page(client, initiative_id, "?lang=en").get_data(as_text=True)
    assert '<html lang="fr">' in french and '<html lang="en">' in english
    other_host = page(client, initiative_id, base_url="http://carte.example.org")
    assert 'href="http://carte.example.org/initiatives/' in other_host.get_data(as_text=True)
    assert 'href="http://localhost/initiatives/' in page(client, initiative_id).get_data(
        as_text=True)


def test_signed_in_people_and_flashed_messages_are_never_shared(app, client, accounts,
                                                                themes):
    initiative_id = make_initiative("Initiative de test", status="published", insee=PARIS,
                                    summary="Résumé de test.", private_email=None).id
    assert "Connexion" in page(client, initiative_id).get_data(as_text=True)
    moderator = app.test_client()
    login(moderator, accounts.national)
    signed_in = page(moderator, initiative_id).get_data(as_text=True)
    assert "Déconnexion" in signed_in and 'href="/login"' not in signed_in
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Merci pour votre signalement.")]
    assert "Merci pour votre signalement." in page(client, initiative_id).get_data(as_text=True)
    anonymous = page(app.test_client(), initiative_id).get_data(as_text=True)
    assert "Merci pour votre signalement." not in anonymous
    assert "Déconnexion" not in anonymous and "Connexion" in anonymous


def test_kept_pages_stay_within_their_byte_budget(app, client, themes):
    ids = [make_initiative(f"Initiative numéro {n}", status="published", insee=PARIS,
                           summary="Résumé de test.", private_email=None).id for n in range(12)]
    budget = 5 * len(page(client, ids[0]).get_data())
    app.config["PAGE_CACHE_BYTES"] = budget
    app.extensions.pop("maillage_cache_pages")
    for initiative_id in ids:
        page(client, initiative_id)
    cache = app_cache("pages", 0)
    assert 3 <= len(cache.entries) <= 5
    assert cache.size <= budget
    assert [key[0][1] for key in cache.entries] == ids[-len(cache.entries):]


def never_rendered(*_args):
    raise AssertionError("the page was rendered again")


def test_a_page_rendered_by_one_worker_is_read_by_the_others(app, client, themes, migrated,
                                                             monkeypatch):
    initiative_id = make_initiative("Réseau solidaire de Cluny", status="published",
                                    insee=PARIS, private_email=None).id
    first = page(client, initiative_id)
    page_files.settle()
    other = make_app(migrated, API_PAGE_FILES_DIR=app.config["API_PAGE_FILES_DIR"])
    monkeypatch.setattr(routes, "initiative_page", never_rendered)
    again = page(other.test_client(), initiative_id)
    html = again.get_data(as_text=True)
    assert without_nonces(html) == without_nonces(first.get_data(as_text=True))
    [nonce] = set(NONCE.findall(html))
    assert nonce not in first.get_data(as_text=True)
    assert f"'nonce-{nonce}'" in again.headers["Content-Security-Policy"]
    assert page_cache.nonce_placeholder() not in html


def test_a_page_file_holds_no_nonce_sent(app, client, themes):
    initiative_id = make_initiative("Visières de Rennes", status="published", insee=PARIS,
                                    private_email=None).id
    [nonce] = set(NONCE.findall(page(client, initiative_id).get_data(as_text=True)))
    page_files.settle()
    [kept] = Path(app.config["API_PAGE_FILES_DIR"]).glob("*.page")
    assert nonce.encode() not in kept.read_bytes()
    assert page_cache.nonce_placeholder().encode() in kept.read_bytes()


def test_pages_kept_on_disk_by_other_code_are_rendered_again(app, client, themes, migrated,
                                                            monkeypatch):
    initiative_id = make_initiative("Visières de Rennes", status="published", insee=PARIS,
                                    private_email=None).id
    page(client, initiative_id)
    page_files.settle()
    # A deployment: the same data, the same directory, other templates or views.
    monkeypatch.setattr(shared_values, "code_stamp", lambda: "another-release")
    other = make_app(migrated, API_PAGE_FILES_DIR=app.config["API_PAGE_FILES_DIR"])
    rendered = []
    monkeypatch.setattr(routes, "initiative_page",
                        lambda stamp: rendered.append(stamp.id) or "<p>rendered</p>")
    assert page(other.test_client(), initiative_id).get_data(as_text=True) == "<p>rendered</p>"
    assert rendered == [initiative_id]


def test_the_code_stamp_covers_templates_translations_and_sources():
    code_stamp.code_stamp.cache_clear()
    stamp = code_stamp.code_stamp()
    assert len(stamp) == 16 and stamp == code_stamp.code_stamp()
    roots = [root for root, _pattern in code_stamp.SOURCES]
    assert (roots[-1] / "public" / "initiative.html").is_file()
    assert any(roots[0].rglob("messages.mo")) and (roots[0] / "public" / "routes.py").is_file()
