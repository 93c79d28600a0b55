"""The header: the moderation link and its count, "my contributions", signing out in one click."""

import re

import pytest

from app.database import write_transaction
from app.initiatives.change_sets import propose_change
from app.initiatives.reports import file_report
from tests.conftest import make_app
from tests.factories import BORDEAUX, PASSWORD, login, make_initiative


def header(page: str) -> str:
    return page[page.index('<header class="site-header">'):page.index("</header>")]


def moderation_link(html: str) -> str | None:
    found = re.search(r'<a href="/moderation/" id="nav-moderation".*?</a>', html, re.S)
    return found and found.group(0)


def test_signed_out_visitors_see_no_moderation_link_nor_sign_out(client, themes):
    nav = header(client.get("/initiatives").text)
    assert moderation_link(nav) is None and "Mes contributions" not in nav
    assert "Déconnexion" not in nav and 'href="/login">Connexion</a>' in nav


def test_contributors_see_their_space_and_no_moderation_link(client, accounts):
    login(client, accounts.contributor)
    nav = header(client.get("/mes-contributions").text)
    assert moderation_link(nav) is None
    assert re.search(r'href="/mes-contributions"\s+aria-current="page">Mes contributions', nav)


@pytest.mark.parametrize("who, waiting, words", [
    ("moderator_71", 3, "3 éléments en attente"), ("moderator_33", 1, "1 élément en attente"),
    ("national", 4, "4 éléments en attente"), ("admin", 4, "4 éléments en attente")])
def test_moderators_see_what_waits_in_their_territories(client, accounts, who, waiting, words):
    make_initiative("Atelier vélo de Cluny")
    published = make_initiative("Tiers-lieu de Cluny", status="published")
    with write_transaction():
        propose_change(published, {"summary": "Nouveau"}, author=None, email=None, message="")
        file_report(published, "closed", "", reporter=None, email=None)
    make_initiative("Tiers-lieu bordelais", insee=BORDEAUX)
    login(client, getattr(accounts, who))
    link = moderation_link(client.get("/initiatives").text)
    assert f'<span class="badge" aria-hidden="true">{waiting}</span>' in link
    assert f'<span class="visually-hidden"> ({words})</span>' in link


def test_moderation_link_has_no_badge_when_nothing_waits(client, accounts):
    login(client, accounts.moderator_33)
    link = moderation_link(client.get("/moderation/").text)
    assert 'aria-current="page">Modération</a>' in link and "badge" not in link


def test_moderation_count_is_in_english_too(client, accounts):
    make_initiative("Atelier vélo de Cluny")
    login(client, accounts.moderator_71)
    link = moderation_link(client.get("/initiatives?lang=en").text)
    assert ">Moderation" in link and "(1 item pending)" in link


@pytest.fixture
def csrf_client(migrated, accounts):
    return make_app(migrated, WTF_CSRF_ENABLED=True).test_client()


def test_header_sign_out_button_signs_out_at_once(csrf_client, accounts):
    login_page = csrf_client.get("/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    csrf_client.post("/login", data={"email": accounts.contributor.email, "password": PASSWORD,
                                     "csrf_token": token})
    nav = header(csrf_client.get("/initiatives").text)
    form = re.search(r'<form method="post" action="/logout" class="site-nav__logout">.*?</form>',
                     nav, re.S).group(0)
    assert '<button type="submit">Déconnexion</button>' in form
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    response = csrf_client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert csrf_client.get("/mes-contributions").status_code == 302


def test_sign_out_without_the_token_keeps_the_session(csrf_client, accounts):
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      csrf_client.get("/login").text).group(1)
    csrf_client.post("/login", data={"email": accounts.contributor.email, "password": PASSWORD,
                                     "csrf_token": token})
    assert csrf_client.post("/logout").status_code == 400
    assert csrf_client.get("/mes-contributions").status_code == 200


def test_sign_out_page_stays_for_people_arriving_by_url(client, accounts):
    login(client, accounts.contributor)
    page = client.get("/logout")
    assert page.status_code == 200 and "Se déconnecter" in page.text
    assert client.get("/mes-contributions").status_code == 200


def test_only_moderators_pages_count_what_waits(client, accounts, monkeypatch):
    counted = []
    monkeypatch.setattr("app.web.templating.waiting_count",
                        lambda user: counted.append(user) or 0)
    assert client.get("/initiatives").status_code == 200
    login(client, accounts.contributor)
    assert client.get("/mes-contributions").status_code == 200
    assert counted == []
    client.post("/logout")
    login(client, accounts.moderator_71)
    client.get("/mes-contributions")
    assert len(counted) == 1
