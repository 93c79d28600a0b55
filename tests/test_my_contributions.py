"""'My contributions': each item leads to its follow-up page, with actions that fit its state;
a refused proposal can be taken up again in a new, prefilled form."""

import re
from html import unescape

from app.database import write_transaction
from app.extensions import db
from app.models import Initiative
from tests.factories import count, follow_up_path, make_initiative, proposal_data, sign_in


def refuse(initiative: Initiative, comment: str) -> None:
    with write_transaction():
        initiative = db.session.get(Initiative, initiative.id)
        initiative.status, initiative.moderator_comment = "rejected", comment


def links_of(html: str) -> dict[str, str]:
    """Each link's text (hidden words included) and its target."""
    return {unescape(re.sub(r"<[^>]+>", "", text)).strip(): href
            for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', html, re.S)}


def test_a_pending_proposal_links_to_its_follow_up_page(client, fast_forms, themes):
    sign_in(client, "contributor", "agent@mairie.example")
    client.post("/initiatives/new", data=proposal_data(name="Jardin des Lilas"))
    initiative = db.session.scalar(db.select(Initiative))
    links = links_of(client.get("/mes-contributions").text)
    page = f"/mes-contributions/propositions/{initiative.id}"
    assert links["Jardin des Lilas"] == page
    assert links["Suivre et compléter — Jardin des Lilas"] == page
    follow_up = client.get(page)
    assert follow_up.status_code == 200 and "Modifier votre proposition" in follow_up.text
    assert follow_up.headers["Cache-Control"] == "no-store"
    edited = client.post(page, data={**proposal_data(name="Jardin des Lilas en fleurs"),
                                     "version": str(initiative.version)})
    assert edited.status_code == 302 and edited.headers["Location"].endswith(page)
    assert db.session.get(Initiative, initiative.id).name == "Jardin des Lilas en fleurs"


def test_another_account_cannot_open_the_follow_up_page(client, fast_forms, themes):
    owner = sign_in(client, "contributor", "agent@mairie.example")
    initiative = make_initiative(author=owner)
    other = client.application.test_client()
    sign_in(other, "contributor", "autre@mairie.example")
    assert other.get(f"/mes-contributions/propositions/{initiative.id}").status_code == 404
    assert other.get(f"/initiatives/new?reprendre={initiative.id}").status_code == 200


def test_a_refused_proposal_is_taken_up_again_in_a_prefilled_form(client, fast_forms, themes):
    owner = sign_in(client, "contributor", "agent@mairie.example")
    refused = make_initiative("Repair café", author=owner, summary="Réparer ensemble.",
                              private_email="agent@mairie.example")
    refuse(refused, "Précisez la commune et le porteur.")
    links = links_of(client.get("/mes-contributions").text)
    resume = links["Reprendre cette proposition — Repair café"]
    assert resume == f"/initiatives/new?reprendre={refused.id}"
    form = client.get(resume).text
    assert 'value="Repair café"' in form and "Réparer ensemble." in form
    assert 'value="agent@mairie.example"' in form and 'value="Cluny"' in form
    assert "Précisez la commune et le porteur." in form
    stamp = re.search(r'name="stamp" type="hidden" value="([^"]+)"', form)[1]
    sent = client.post("/initiatives/new", data=proposal_data(name="Repair café", stamp=stamp))
    assert sent.status_code == 302
    assert count(Initiative, Initiative.status == "pending") == 1
    assert count(Initiative, Initiative.status == "rejected") == 1


def test_someone_elses_refused_proposal_is_not_copied(client, fast_forms, themes):
    owner = sign_in(client, "contributor", "agent@mairie.example")
    refused = make_initiative("Repair café", author=owner)
    refuse(refused, "Non.")
    other = client.application.test_client()
    sign_in(other, "contributor", "autre@mairie.example")
    assert 'value="Repair café"' not in other.get(f"/initiatives/new?reprendre={refused.id}").text


def test_the_follow_up_link_of_a_refused_proposal_offers_to_take_it_up(client, fast_forms,
                                                                       themes):
    sent = client.post("/initiatives/new", data=proposal_data(name="Jardin des Lilas"))
    path = follow_up_path(sent)
    refuse(db.session.scalar(db.select(Initiative)), "Ajoutez une description.")
    page = client.get(path).text
    assert "reprendre cette proposition" in page
    form = client.get(path + "?reprendre=1")
    assert form.status_code == 200 and 'value="Jardin des Lilas"' in form.text
    assert 'action="/initiatives/new"' in form.text


def test_corrections_link_to_their_follow_up_page(client, fast_forms, themes):
    sign_in(client, "contributor", "agent@mairie.example")
    initiative = make_initiative(status="published")
    client.post(f"/initiatives/{initiative.id}/correction",
                data=proposal_data(name="Jardin des Griottes", consent=None))
    links = links_of(client.get("/mes-contributions").text)
    page = links["Compléter ou retirer — Jardin partagé des Griottes"]
    assert page.startswith("/mes-contributions/corrections/")
    assert client.get(page).status_code == 200
