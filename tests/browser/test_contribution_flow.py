"""A citizen proposes, moderators decide, the public sees only what was approved (Chromium)."""

import re

import pytest

from app.accounts.services import add_scope, create_user
from app.database import write_transaction
from tests.browser.conftest import ServerThread, open_page, screenshot, site_app
from tests.browser.test_accessibility import serious_violations
from tests.factories import CLUNY, PASSWORD, make_initiative

MODERATOR_71, MODERATOR_33 = "moderation71@example.fr", "moderation33@example.fr"
PRIVATE_EMAIL = "citoyenne.secrete@example.org"
# The public URLs that could show an initiative: map data, list, API, exports.
PUBLIC_URLS = ("/api/v1/map/points", "/initiatives?commune=71137",
               "/api/v1/initiatives?limit=1000", "/export/initiatives.geojson",
               "/export/initiatives.csv", "/")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on its own seeded database, with a moderator of Saône-et-Loire and one of Gironde."""
    app = site_app(tmp_path_factory.mktemp("contribution-db"), FORM_MIN_SECONDS=1)
    with app.app_context():
        with write_transaction():
            add_scope(create_user(MODERATOR_71, PASSWORD, "moderator", "Modération 71"),
                      "departement", "71")
            add_scope(create_user(MODERATOR_33, PASSWORD, "moderator", "Modération 33"),
                      "departement", "33")
    with ServerThread(app) as running:
        yield running


@pytest.fixture
def pages(browser, server):
    """Fresh browser contexts (separate cookies) for the citizen and the moderators."""
    contexts = []

    def open_as() -> object:
        context, page = open_page(browser, server, viewport={"width": 1280, "height": 900})
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        contexts.append(context)
        return page

    yield open_as
    for context in contexts:
        context.close()


def propose(page, name: str) -> str:
    """Fill the proposal form as a person does; return the follow-up link."""
    page.goto(page.base_url + "/initiatives/new")
    page.get_by_label(re.compile(r"^Nom de l'initiative")).fill(name)
    page.get_by_label(re.compile(r"^Résumé")).fill("Un atelier pour réparer ensemble.")
    page.get_by_label("Continuité du service public").check()
    page.locator("#commune").press_sequentially("clu", delay=60)
    page.get_by_role("option", name=re.compile(r"^Cluny \(71250")).click()
    assert page.locator("#insee").input_value() == "71137"
    assert "Commune choisie : Cluny" in page.locator("#location-status").inner_text()
    marker = page.locator(".leaflet-marker-icon")
    marker.wait_for()
    marker.focus()
    page.keyboard.press("ArrowRight")  # the pin moves with the keyboard too
    assert page.locator("#lon").input_value() != ""
    marker.scroll_into_view_if_needed()
    screenshot(page, "contribution-form-map")
    page.get_by_label(re.compile(r"^Votre adresse e-mail")).fill(PRIVATE_EMAIL)
    page.get_by_label(re.compile(r"^J'ai lu ce qui est publié")).check()
    page.wait_for_timeout(1_100)  # the minimum time to fill the form
    page.get_by_role("button", name="Envoyer la proposition").click()
    page.wait_for_url(re.compile(r"/suivi/[A-Za-z0-9_-]{40,}$"))
    assert page.locator("#follow-up-status").inner_text() == "en attente de modération"
    return page.url


def public_text(page) -> str:
    """Everything the public URLs answer, to look for a name in."""
    return "".join(page.request.get(page.base_url + url).text() for url in PUBLIC_URLS)


def sign_in(page, email: str) -> None:
    page.goto(page.base_url + "/login?next=/moderation/")
    page.get_by_label(re.compile(r"^Adresse e-mail")).fill(email)
    page.get_by_label(re.compile(r"^Mot de passe")).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/moderation/$"))


def decide(page, name: str, decision: str, reason: str = "") -> None:
    page.get_by_role("link", name=name).click()
    page.wait_for_selector(".map-canvas.leaflet-container")
    screenshot(page, f"moderation-review-{decision.lower()}")
    page.get_by_label(decision, exact=True).check()
    if reason:
        page.get_by_label(re.compile(r"^Message à la personne")).fill(reason)
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.wait_for_url(re.compile(r"/moderation/$"))


def test_proposal_is_reviewed_in_its_territory_then_published(pages):
    name = "Repair café de la Grosne"
    citizen = pages()
    follow_up = propose(citizen, name)
    screenshot(citizen, "contribution-follow-up")
    assert name not in public_text(citizen)

    gironde = pages()
    sign_in(gironde, MODERATOR_33)
    assert name not in gironde.locator("main").inner_text()

    saone = pages()
    sign_in(saone, MODERATOR_71)
    assert saone.get_by_role("link", name=name).is_visible()
    screenshot(saone, "moderation-queue")
    decide(saone, name, "Publier")

    published = public_text(citizen)
    assert name in published and PRIVATE_EMAIL not in published
    citizen.goto(follow_up)
    assert citizen.locator("#follow-up-status").inner_text() == "publiée"
    citizen.get_by_role("link", name="Voir la fiche publiée").click()
    assert citizen.locator("h1").inner_text() == name
    for page in (citizen, gironde, saone):
        assert page.errors == []


def test_rejected_proposal_never_appears_and_its_link_says_why(pages):
    name = "Vente de trottinettes de Cluny"
    citizen = pages()
    follow_up = propose(citizen, name)
    moderator = pages()
    sign_in(moderator, MODERATOR_71)
    decide(moderator, name, "Refuser", reason="Il s'agit d'un commerce, pas d'une initiative.")
    assert moderator.get_by_role("link", name=name).count() == 0  # off the queue
    assert name not in public_text(citizen)
    citizen.goto(follow_up)
    assert citizen.locator("#follow-up-status").inner_text() == "refusée"
    assert "Il s'agit d'un commerce" in citizen.locator("main").inner_text()
    assert citizen.errors == [] and moderator.errors == []


def add_pending(server, name: str) -> None:
    """A pending proposal in Cluny, written straight into the served app's database."""
    app = server.server.app
    with app.app_context():
        make_initiative(name, status="pending", insee=CLUNY, private_email=None, themes=None)


def test_moderator_reaches_the_queue_and_signs_out_from_the_header(pages, server, axe_script):
    # Like the seeded "Cluny Réseau social et solidaire": a possible duplicate.
    add_pending(server, "Cluny Réseau solidaire")
    moderator = pages()
    sign_in(moderator, MODERATOR_71)
    header_link = moderator.get_by_role(
        "link", name=re.compile(r"^Modération \(\d+ éléments? en attente\)$"))
    assert header_link.get_attribute("aria-current") == "page"
    row = moderator.locator("#queue-proposals tr", has_text="Cluny Réseau solidaire")
    assert "doublon possible" in row.inner_text()
    assert serious_violations(moderator, axe_script) == []
    screenshot(moderator, "moderation-queue-header")
    moderator.set_viewport_size({"width": 375, "height": 740})
    screenshot(moderator, "moderation-queue-header-phone")
    moderator.set_viewport_size({"width": 1280, "height": 900})

    moderator.get_by_role("link", name="Cluny Réseau solidaire").click()
    moderator.wait_for_selector(".map-canvas.leaflet-container")
    assert serious_violations(moderator, axe_script) == []

    moderator.get_by_text("Mon compte").click()  # signing out is in the account menu
    logout = moderator.get_by_role("button", name="Déconnexion")
    logout.focus()
    moderator.keyboard.press("Enter")
    moderator.wait_for_url(server.url + "/")
    assert moderator.get_by_role("link", name="Connexion").is_visible()
    assert moderator.get_by_role("button", name="Déconnexion").count() == 0
    assert moderator.errors == []


def test_form_works_without_javascript(browser, server):
    context, page = open_page(browser, server, java_script_enabled=False,
                              viewport={"width": 1280, "height": 900})
    try:
        page.goto(page.base_url + "/initiatives/new")
        page.get_by_label(re.compile(r"^Nom de l'initiative")).fill("Jardin sans script")
        page.locator("#commune").fill("Cluny")
        page.get_by_label(re.compile(r"^J'ai lu ce qui est publié")).check()
        page.wait_for_timeout(1_100)
        page.get_by_role("button", name="Envoyer la proposition").click()
        page.wait_for_url(re.compile(r"/suivi/"))
        assert page.locator("#follow-up-status").inner_text() == "en attente de modération"
    finally:
        context.close()


def test_a_pin_far_from_its_commune_is_refused_and_left_where_it_was(pages):
    page = pages()
    page.goto(page.base_url + "/initiatives/new")
    page.get_by_label(re.compile(r"^Nom de l'initiative")).fill("Phare du bout du monde")
    page.get_by_label("Gestion de crise", exact=True).check()
    page.locator("#commune").press_sequentially("brest", delay=60)
    page.get_by_role("option", name=re.compile(r"^Brest \(29200")).click()
    page.locator(".leaflet-marker-icon").wait_for()
    # The pin dragged far out into the Atlantic: a drag ends by writing these fields.
    page.evaluate("() => { document.getElementById('lon').value = '-17.9';"
                  " document.getElementById('lat').value = '42.0'; }")
    page.get_by_label(re.compile(r"^J'ai lu ce qui est publié")).check()
    page.wait_for_timeout(1_100)  # the minimum time to fill the form
    page.get_by_role("button", name="Envoyer la proposition").click()
    error = page.locator("#commune-error")
    error.wait_for()
    assert "km de Brest : déplacez-le dans la commune" in error.inner_text()
    assert (page.locator("#lon").input_value(), page.locator("#lat").input_value()) == (
        "-17.9", "42.0")
    assert page.locator(".leaflet-marker-icon").is_visible()  # there, to be dragged back
    assert not page.errors
