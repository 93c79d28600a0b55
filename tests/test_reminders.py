"""Re-confirmation reminders as time passes: spaced e-mails with signed links, a flag after
the last unanswered one, links that confirm, correct or end an entry, and refused links."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.jobs.registry import job_named
from app.jobs.runner import run_job
from app.models import ChangeSet, Initiative, OutboxMessage, Revision
from tests.factories import SECRET_EMAIL, count, login, make_initiative

pytestmark = pytest.mark.usefixtures("themes")
LINK = re.compile(r"https?://\S+/rappel/(\S+)/confirmer")


def run_reminders() -> str:
    outcome = run_job(job_named("reminders"), force=True)
    assert outcome.status == "done", outcome
    return outcome.summary


def reminders_to(address: str = SECRET_EMAIL) -> list[OutboxMessage]:
    return db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.recipient == address).order_by(OutboxMessage.id)).all()


def token_of(message: OutboxMessage) -> str:
    return LINK.search(message.body).group(1)


@pytest.fixture
def stale(clock):
    """A published entry with a contact, then 400 days without a confirmation."""
    initiative = make_initiative("Épicerie solidaire", status="published")
    clock.advance(days=400)
    return initiative


def test_reminders_are_spaced_then_the_entry_is_flagged(app, clock, stale, client, accounts):
    fresh = make_initiative("Repair café", status="published", private_email="autre@example.org")
    assert run_reminders() == "1 reminders queued, 0 entries flagged"
    assert len(reminders_to()) == 1 and reminders_to("autre@example.org") == []
    message = reminders_to()[0]
    assert "toujours d'actualité" in message.subject and "/rappel/" in message.body
    assert run_reminders() == ""  # too early for the second one
    for expected in (2, 3):
        clock.advance(days=30)
        run_reminders()
        assert len(reminders_to()) == expected
    initiative = db.session.get(Initiative, stale.id)
    assert initiative.reminders_sent == 3 and initiative.stale_flagged_at is None
    clock.advance(days=30)
    assert run_reminders() == "0 reminders queued, 1 entries flagged"
    clock.advance(days=30)
    run_reminders()
    assert len(reminders_to()) == 3  # nothing more after the flag; nothing deleted
    initiative = db.session.get(Initiative, stale.id)
    assert initiative.stale_flagged_at is not None and initiative.status == "published"
    login(client, accounts.moderator_71)
    page = client.get("/moderation/a-verifier").text
    assert "Rappels sans réponse" in page and ">Épicerie solidaire</a>" in page
    assert db.session.get(Initiative, fresh.id).reminders_sent == 0


def test_a_reminder_leaves_the_public_dates_alone(clock, stale):
    before = db.session.get(Initiative, stale.id)
    updated_at, version = before.updated_at, before.version
    run_reminders()
    db.session.expire_all()
    after = db.session.get(Initiative, stale.id)
    assert (after.updated_at, after.version) == (updated_at, version)


def test_the_confirm_link_asks_first_then_confirms_and_resets(client, clock, stale):
    run_reminders()
    url = f"/rappel/{token_of(reminders_to()[0])}/confirmer"
    page = client.get(url)
    assert page.status_code == 200 and "Oui, elle est toujours d'actualité" in page.text
    assert db.session.get(Initiative, stale.id).last_verified_on == date(2026, 6, 1)
    done = client.post(url)
    assert done.status_code == 200 and "est confirmée à ce jour" in done.text
    initiative = db.session.get(Initiative, stale.id)
    assert initiative.last_verified_on == date(2027, 7, 6) and initiative.reminders_sent == 0
    assert count(Revision, Revision.initiative_id == stale.id,
                 Revision.reason == "Confirmée par son contact (rappel n° 1)") == 1
    assert "à vérifier" not in client.get(f"/initiatives/{stale.id}",
                                          follow_redirects=True).text
    again = client.post(url)  # the link was answered: it no longer works
    assert again.status_code == 410 and "a expiré, ou la fiche a été confirmée" in again.text


def test_expired_and_forged_links_are_refused_with_a_clear_page(client, clock, stale):
    run_reminders()
    token = token_of(reminders_to()[0])
    forged = client.get(f"/rappel/{token[:-3]}abc/confirmer")
    assert forged.status_code == 400 and "n'est pas valide" in forged.text
    assert client.post(f"/rappel/{token}x/terminee").status_code == 400
    clock.advance(days=61)
    expired = client.post(f"/rappel/{token}/confirmer")
    assert expired.status_code == 410 and "a expiré" in expired.text
    assert db.session.get(Initiative, stale.id).last_verified_on == date(2026, 6, 1)


def test_the_correct_link_opens_the_correction_form(client, clock, stale):
    run_reminders()
    response = client.get(f"/rappel/{token_of(reminders_to()[0])}/corriger")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/initiatives/{stale.id}/correction")


def test_the_ended_link_proposes_an_end_for_moderation(client, clock, stale, accounts):
    run_reminders()
    url = f"/rappel/{token_of(reminders_to()[0])}/terminee"
    assert client.get(url).status_code == 200
    assert count(ChangeSet) == 0
    missing = client.post(url, data={"life_note": "Des bénévoles formés."})
    assert missing.status_code == 400 and "Indiquez la date de fin." in missing.text
    done = client.post(url, data={"ended_on": "2027-03-31",
                                  "life_note": "Des bénévoles formés, un local prêté."})
    assert done.status_code == 200 and "équipe de modération" in done.text
    change_set = db.session.scalars(sa.select(ChangeSet)).one()
    assert change_set.status == "pending" and change_set.proposer_email == SECRET_EMAIL
    assert change_set.changes == {"life_status": "ended", "ended_on": "2027-03-31",
                                  "life_note": "Des bénévoles formés, un local prêté."}
    initiative = db.session.get(Initiative, stale.id)
    assert initiative.life_status == "active" and initiative.reminders_sent == 0
    clock.advance(days=60)
    assert run_reminders() == ""  # a correction waits for moderation: no more reminders
    login(client, accounts.moderator_71)
    client.post(f"/moderation/change-sets/{change_set.id}/decision",
                data={"decision": "approve", "version": change_set.version})
    initiative = db.session.get(Initiative, stale.id)
    assert initiative.life_status == "ended" and initiative.ended_on == date(2027, 3, 31)


def test_flask_reminders_send_and_jobs_run_send_the_reminders(app, clock, stale, runner):
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0 and "1 reminders queued" in result.output
    clock.advance(days=31)
    result = runner.invoke(args=["jobs", "run"])
    assert result.exit_code == 0 and "reminders: done" in result.output
    assert len(reminders_to()) == 2


def test_without_a_private_email_the_lead_actors_address_gets_the_reminder(clock, client,
                                                                           accounts):
    by_actor = make_initiative("Plateforme d'entraide", status="published", private_email=None,
                               actor_name="Mairie de Cluny", actor_type="commune")
    nobody = make_initiative("Atelier vélo", status="published", private_email=None)
    with write_transaction():
        db.session.get(Initiative, by_actor.id).lead_actor.public_contact = "mairie@cluny.example"
    clock.advance(days=400)
    assert run_reminders() == "1 reminders queued, 0 entries flagged"
    assert len(reminders_to("mairie@cluny.example")) == 1
    for _ in range(4):
        clock.advance(days=30)
        run_reminders()
    assert db.session.get(Initiative, nobody.id).stale_flagged_at is None  # never reminded
    login(client, accounts.moderator_71)
    page = client.get("/moderation/a-verifier").text
    assert "Aucun contact connu" in page and ">Atelier vélo</a>" in page
