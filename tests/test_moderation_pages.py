"""The moderation pages' details: the shared decision form, duplicate badges, report e-mails."""

import pytest
import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.geo.spatial import explain
from app.initiatives.change_sets import propose_change
from app.initiatives.duplicates import find_duplicates, same_host, with_duplicates
from app.initiatives.reports import file_report
from app.models import Initiative, OutboxMessage
from tests.factories import BORDEAUX, SECRET_EMAIL, login, make_initiative, recorded_statements

pytestmark = pytest.mark.usefixtures("fast_forms")
DECISION_ERROR = '<p class="error" id="decision-error">Choisissez une décision.</p>'


def outbox() -> list[OutboxMessage]:
    return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()


def queue_row(page: str, name: str) -> str:
    """The queue table row of an initiative."""
    start = page.index(f">{name}</a>")
    return page[start:page.index("</tr>", start)]


def sent_without_a_decision(client, url: str, version: int) -> str:
    """Post a decision form with no decision chosen; return the page shown again."""
    response = client.post(url, data={"version": version})
    assert response.status_code == 400
    return response.text


def test_review_without_a_decision_shows_the_error_by_the_radios(client, accounts):
    initiative = make_initiative()
    login(client, accounts.moderator_71)
    page = sent_without_a_decision(client, f"/moderation/initiatives/{initiative.id}/decision",
                                   initiative.version)
    assert DECISION_ERROR in page and 'aria-describedby="decision-error"' in page


def test_change_set_without_a_decision_shows_the_error_by_the_radios(client, accounts):
    initiative = make_initiative(status="published")
    with write_transaction():
        change_set = propose_change(initiative, {"summary": "Nouveau"}, author=None,
                                    email=None, message="")
    login(client, accounts.moderator_71)
    page = client.get(f"/moderation/change-sets/{change_set.id}").text
    assert 'id="decision-form"' in page and "decision-error" not in page
    page = sent_without_a_decision(client, f"/moderation/change-sets/{change_set.id}/decision",
                                   change_set.version)
    assert DECISION_ERROR in page and "Appliquer la correction" in page


def test_queue_marks_proposals_with_a_possible_duplicate(client, accounts):
    make_initiative("Atelier vélo de Cluny", status="published")
    make_initiative("Atelier Vélo Cluny")
    make_initiative("Jardin partagé des Griottes")
    make_initiative("Recyclerie", website="https://www.recyclerie.example.org/")
    make_initiative("La ressourcerie", insee=BORDEAUX, website="https://recyclerie.example.org")
    login(client, accounts.national)
    page = client.get("/moderation/").text
    assert "doublon possible" in queue_row(page, "Atelier Vélo Cluny")
    assert "doublon possible" not in queue_row(page, "Jardin partagé des Griottes")
    assert "doublon possible" in queue_row(page, "Recyclerie")
    assert "doublon possible" in queue_row(page, "La ressourcerie")


def test_duplicates_of_a_page_of_the_queue_take_one_query(app, accounts):
    for n in range(5):
        make_initiative(f"Atelier numéro {n}")
    pending = db.session.scalars(sa.select(Initiative)).all()  # as the queue loads them
    with recorded_statements() as statements:
        found = with_duplicates(pending)
    assert found == {i.id for i in pending}  # "Atelier numéro 1" is like "Atelier numéro 2"
    assert len(statements) == 1



WEBSITES = ("https://www.Recyclerie.example.org/", "http://recyclerie.example.org",
            "https://recyclerie.example.org/atelier", "https://recyclerie.example.org.evil.test",
            "https://www.www.jardin.example.org/", "https://jardin.example.org?page=2",
            "https://user@jardin.example.org/", "http://jardin.example.org:8080", None)


def test_queue_badges_are_those_of_find_duplicates_for_every_form_of_website(app, accounts):
    for number, website in enumerate(WEBSITES):
        make_initiative(f"Lieu {number}", insee=BORDEAUX if number % 2 else "71137",
                        website=website)
    make_initiative("Lieu publié", status="published", insee="75056",
                    website="HTTPS://JARDIN.EXAMPLE.ORG/")
    make_initiative("Lieu refusé", status="rejected", insee="75056",
                    website="https://recyclerie.example.org/atelier/")
    pending = db.session.scalars(sa.select(Initiative).where(Initiative.status == "pending")).all()
    expected = {i.id for i in pending if find_duplicates(i.name, i.lon, i.lat, i.website,
                                                         exclude_id=i.id)}
    assert with_duplicates(pending) == expected
    assert len(expected) >= 4


def test_queue_badges_look_websites_up_in_their_index(app, accounts):
    if db.engine.dialect.name == "postgresql":  # a few rows: a scan would be cheaper
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    plan = explain(sa.select(Initiative.id).where(same_host(["recyclerie.example.org/a"])))
    assert "ix_initiatives_website_lower" in plan, plan

def test_archiving_through_a_report_tells_the_proposer(client, accounts):
    initiative = make_initiative(status="published")
    with write_transaction():
        report = file_report(initiative, "closed", "Fermé", reporter=None, email=None)
    login(client, accounts.moderator_71)
    client.post(f"/moderation/reports/{report.id}/decision", data={
        "decision": "resolve", "archive": "y", "comment": "Note interne",
        "version": report.version})
    [message] = outbox()
    assert message.recipient == SECRET_EMAIL and "a été archivée" in message.subject
    assert "Note interne" not in message.body


def test_archiving_through_a_report_mails_nobody_without_an_address(client, accounts):
    initiative = make_initiative(status="published", private_email="")
    with write_transaction():
        report = file_report(initiative, "closed", "", reporter=None, email=None)
    login(client, accounts.moderator_71)
    client.post(f"/moderation/reports/{report.id}/decision", data={
        "decision": "resolve", "archive": "y", "version": report.version})
    assert db.session.get(Initiative, initiative.id).status == "archived"
    assert outbox() == []


def test_closing_a_report_without_archiving_mails_nobody(client, accounts):
    initiative = make_initiative(status="published")
    with write_transaction():
        report = file_report(initiative, "other", "", reporter=None, email=None)
    login(client, accounts.moderator_71)
    client.post(f"/moderation/reports/{report.id}/decision",
                data={"decision": "dismiss", "version": report.version})
    assert outbox() == []
