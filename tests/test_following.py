"""Following by e-mail: double opt-in, signed links, one-click unsubscribe (RFC 8058) on
every message, the page managing an address's follows, digests as time passes, erasure."""

import re
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner

from app.database import write_transaction
from app.extensions import db
from app.initiatives.moderation import decide
from app.initiatives.services import update_initiative
from app.jobs.runner import links_on_public_url
from app.models import Follow, Follower, Initiative, OutboxMessage
from app.models.base import utcnow
from app.notifications import digests
from app.notifications.sender import send_pending
from tests.factories import CLUNY, count, make_initiative

ADDRESS = "lecteur.cluny@example.org"
LINK = re.compile(r"https?://\S+")
# Changes a digest may tell: those older than the settling minute.
LATER = timedelta(minutes=2)


@pytest.fixture
def mailbox(app, tmp_path, fast_forms) -> Path:
    app.config["MAIL_EML_DIR"] = str(tmp_path)
    return tmp_path


def follow(client, query: str = f"commune={CLUNY}", email: str = ADDRESS,
           frequency: str = "weekly", **extra):
    page = client.get(f"/suivre?{query}")
    assert page.status_code == 200, page.text
    stamp = re.search(r'name="stamp" type="hidden" value="([^"]+)"', page.text) or \
        re.search(r'id="stamp" name="stamp" type="hidden" value="([^"]+)"', page.text)
    data = {"email": email, "frequency": frequency, "stamp": stamp.group(1), "nickname": "",
            **extra}
    return client.post(f"/suivre?{query}", data=data)


def send_digests(now) -> str:
    """Run the digests at this moment, as the job does (its links on PUBLIC_URL)."""
    with links_on_public_url():
        return digests.send_digests(now=now)


def delivered(mailbox: Path) -> list:
    """Send the outbox and return every message written so far, oldest first."""
    send_pending()
    messages = []
    for path in sorted(mailbox.glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        message.raw = path.read_bytes()  # as sent: parsing unfolds and decodes headers
        messages.append(message)
    return messages


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def link(message, part: str) -> str:
    """The path of the message's link containing `part` (e.g. /suivre/confirmer/)."""
    found = [url for url in LINK.findall(body(message)) if part in url]
    assert found, body(message)
    return found[0].split("://", 1)[1].split("/", 1)[1].join(("/", ""))


def confirmed(client, mailbox) -> None:
    """Follow Cluny and confirm through the e-mailed link."""
    follow(client)
    confirm_path = link(delivered(mailbox)[-1], "/suivre/confirmer/")
    assert client.post(confirm_path).status_code == 303


def publish_in_cluny(name: str, accounts) -> Initiative:
    initiative = make_initiative(name)
    with write_transaction():
        decide(initiative, "approve", moderator=accounts.national, expected_version=None)
    return initiative


def test_nothing_but_the_confirmation_is_sent_before_the_address_confirms(
        client, mailbox, accounts):
    response = follow(client)
    assert response.status_code == 200 and "Vérifiez votre boîte" in response.text
    publish_in_cluny("Épicerie solidaire de Cluny", accounts)
    assert send_digests(now=utcnow() + timedelta(days=6)) == ""
    messages = delivered(mailbox)
    assert len(messages) == 1
    assert messages[0]["To"] == ADDRESS and "Confirmez" in messages[0]["Subject"]
    assert "/suivre/confirmer/" in body(messages[0])
    assert count(Follow, Follow.confirmed_at.is_not(None)) == 0
    # Left unconfirmed past its link's week, the follow goes, and the address with it.
    assert send_digests(now=utcnow() + timedelta(days=8)) == "1 unconfirmed address(es) erased"
    assert count(Follower) == count(Follow) == 0
    assert count(OutboxMessage, OutboxMessage.recipient == ADDRESS) == 0


def test_the_confirmation_link_asks_then_confirms_and_digests_follow(client, mailbox, accounts):
    follow(client, frequency="immediate")
    confirm_path = link(delivered(mailbox)[-1], "/suivre/confirmer/")
    page = client.get(confirm_path)
    assert page.status_code == 200 and "la commune de Cluny" in page.text
    assert count(Follow, Follow.confirmed_at.is_not(None)) == 0  # a scanner's GET confirms nothing
    answer = client.post(confirm_path)
    assert answer.status_code == 303 and "/suivre/gerer/" in answer.headers["Location"]
    publish_in_cluny("Épicerie solidaire de Cluny", accounts)
    assert send_digests(now=utcnow() + LATER) == "1 digest(s) sent"
    digest = delivered(mailbox)[-1]
    assert "Épicerie solidaire de Cluny" in body(digest) and "Nouvelle" in body(digest)
    assert "Cluny" in digest["Subject"]


def test_forged_and_expired_links_are_refused(client, mailbox, monkeypatch):
    follow(client)
    confirm_path = link(delivered(mailbox)[-1], "/suivre/confirmer/")
    forged = confirm_path[:-3] + ("abc" if not confirm_path.endswith("abc") else "xyz")
    assert client.get(forged).status_code == 404
    assert client.post(forged).status_code == 404
    assert client.get("/suivre/gerer/not-a-token").status_code == 404
    assert client.post("/suivre/desabonner/not-a-token").status_code == 404
    # A confirmation link signed eight days ago has expired (they live seven).
    old = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: old(self) - 8 * 86400)
    follow(client, email="second@example.org")
    expired_path = link(delivered(mailbox)[-1], "/suivre/confirmer/")
    monkeypatch.undo()
    assert client.get(expired_path).status_code == 404
    assert client.post(expired_path).status_code == 404
    assert count(Follow, Follow.confirmed_at.is_not(None)) == 0



def unsubscribe_url(message) -> str:
    """The RFC 8058 one-click URL, checked in the raw headers (a plain <URL>, one line)."""
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    raw = re.search(rb"^List-Unsubscribe: <(https?://[^>\s]+)>\r?$", message.raw,
                    re.MULTILINE)
    assert raw, message.raw[:800]
    return raw.group(1).decode()


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_every_message_has_a_one_click_unsubscribe_that_erases_the_address(
        client, mailbox, accounts):
    confirmed(client, mailbox)
    follow(client)  # again: "you follow it already", with the same headers
    publish_in_cluny("Épicerie solidaire de Cluny", accounts)
    send_digests(now=utcnow() + timedelta(days=8))
    messages = delivered(mailbox)
    assert [m["Subject"] for m in messages] == [
        "Confirmez votre suivi sur Maillage", "Vous suivez déjà cela sur Maillage",
        "Maillage : 1 nouvelle pour la commune de Cluny"]
    urls = [unsubscribe_url(message) for message in messages]
    assert all("/suivre/desabonner/" in url and url in body(m) for url, m in zip(
        urls, messages, strict=True))
    assert all(link(m, "/suivre/gerer/") for m in messages)
    # A GET (a mail scanner) changes nothing; the one-click POST, without CSRF token, does.
    assert client.get(path_of(urls[-1])).status_code == 200 and count(Follower) == 1
    app = client.application
    app.config["WTF_CSRF_ENABLED"] = True
    answer = client.post(path_of(urls[-1]), data="List-Unsubscribe=One-Click",
                         content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 200 and "sont effacés" in answer.text
    assert count(Follower) == count(Follow) == 0
    assert count(OutboxMessage, OutboxMessage.recipient == ADDRESS) == 0
    assert client.post(path_of(urls[0])).status_code == 404  # the address is gone


def test_the_manage_page_changes_frequency_stops_one_then_all(client, mailbox, themes):
    confirmed(client, mailbox)
    follow(client, "theme=solidarite")
    follow_path = link(delivered(mailbox)[-1], "/suivre/confirmer/")
    client.post(follow_path)
    manage_path = link(delivered(mailbox)[-1], "/suivre/gerer/")
    page = client.get(manage_path)
    assert page.status_code == 200 and ADDRESS in page.text
    assert "la commune de Cluny" in page.text
    assert "la catégorie « Solidarité et entraide »" in page.text
    cluny, theme = db.session.scalars(sa.select(Follow).order_by(Follow.id)).all()
    client.post(manage_path, data={"action": "frequency", "follow": cluny.id,
                                   "frequency": "immediate"})
    db.session.expire_all()
    assert db.session.get(Follow, cluny.id).frequency == "immediate"
    client.post(manage_path, data={"action": "stop", "follow": theme.id})
    assert count(Follow) == 1 and count(Follower) == 1
    answer = client.post(manage_path, data={"action": "stop_all"})
    assert answer.status_code == 200 and count(Follower) == count(Follow) == 0
    assert client.get(manage_path).status_code == 404


def test_the_manage_page_needs_its_csrf_token(client, mailbox):
    confirmed(client, mailbox)
    manage_path = link(delivered(mailbox)[-1], "/suivre/gerer/")
    client.application.config["WTF_CSRF_ENABLED"] = True
    assert client.post(manage_path, data={"action": "stop_all"}).status_code == 400
    assert count(Follower) == 1


def test_a_weekly_digest_tells_what_was_published_changed_and_ended_once_a_week(
        client, mailbox, accounts):
    start = utcnow()
    confirmed(client, mailbox)
    before = publish_in_cluny("Repair café de Cluny", accounts)
    assert send_digests(now=start + timedelta(days=3)) == ""  # not a week yet
    assert send_digests(now=start + timedelta(days=7)) == "1 digest(s) sent"
    first = body(delivered(mailbox)[-1])
    assert "Nouvelle : Repair café de Cluny" in first
    with write_transaction():
        update_initiative(before, {"summary": "Tous les samedis."}, author=None)
    ended = publish_in_cluny("Cantine éphémère", accounts)
    with write_transaction():
        update_initiative(ended, {"ended_on": "2021-06-30"}, author=None)
    elsewhere = make_initiative("Jardin de Bordeaux", insee="33063")
    with write_transaction():
        decide(elsewhere, "approve", moderator=accounts.national, expected_version=None)
    assert send_digests(now=start + timedelta(days=10)) == ""  # three days after the last
    assert send_digests(now=start + timedelta(days=14)) == "1 digest(s) sent"
    second = body(delivered(mailbox)[-1])
    assert "Modifiée : Repair café de Cluny" in second
    assert "Nouvelle : Cantine éphémère" in second  # published and ended in the same week
    assert "Bordeaux" not in second and "Nouvelle : Repair" not in second
    # Nothing new: no empty digest, however much time passes.
    assert send_digests(now=start + timedelta(days=21)) == ""
    assert send_digests(now=start + timedelta(days=60)) == ""
    with write_transaction():
        update_initiative(before, {"ended_on": "2026-11-30"}, author=None)
    assert send_digests(now=start + timedelta(days=61)) == "1 digest(s) sent"
    assert "Terminée : Repair café de Cluny" in body(delivered(mailbox)[-1])
    assert len(delivered(mailbox)) == 4  # confirmation and three digests


def test_immediate_follows_hear_at_the_next_run_weekly_ones_wait(client, mailbox, accounts):
    start = utcnow()
    confirmed(client, mailbox)  # weekly
    follow(client, email="presse@example.org", frequency="immediate")
    client.post(link(delivered(mailbox)[-1], "/suivre/confirmer/"))
    publish_in_cluny("Épicerie solidaire de Cluny", accounts)
    assert send_digests(now=start) == ""  # younger than the settling minute
    assert send_digests(now=start + LATER) == "1 digest(s) sent"
    assert delivered(mailbox)[-1]["To"] == "presse@example.org"
    with write_transaction():
        archived = db.session.scalar(sa.select(Initiative))
        decide(archived, "archive", moderator=accounts.national, expected_version=None)
    assert send_digests(now=start + 2 * LATER) == "1 digest(s) sent"
    assert "Retirée de la carte" in body(delivered(mailbox)[-1])
    assert send_digests(now=start + timedelta(days=7)) == "1 digest(s) sent"
    weekly = delivered(mailbox)[-1]
    assert weekly["To"] == ADDRESS and "Nouvelle : Épicerie" in body(weekly)


def test_a_pending_proposal_is_never_told(client, mailbox, accounts):
    start = utcnow()
    follow(client, frequency="immediate")
    client.post(link(delivered(mailbox)[-1], "/suivre/confirmer/"))
    make_initiative("Proposition en attente")
    assert send_digests(now=start + LATER) == ""


def test_following_an_initiative_a_departement_or_a_region(client, mailbox, accounts):
    start = utcnow()
    watched = publish_in_cluny("Tiers-lieu de Cluny", accounts)
    for query in (f"initiative={watched.id}", "departement=71", "region=27"):
        page = client.get(f"/suivre?{query}")
        assert page.status_code == 200, query
        follow(client, query, frequency="immediate")
        client.post(link(delivered(mailbox)[-1], "/suivre/confirmer/"))
    assert "l'initiative « Tiers-lieu de Cluny »" in client.get(
        f"/suivre?initiative={watched.id}").text
    with write_transaction():
        update_initiative(watched, {"summary": "Ouvert le mercredi."}, author=None)
    assert send_digests(now=start + LATER) == "1 digest(s) sent"
    digest = body(delivered(mailbox)[-1])
    assert digest.count("Modifiée : Tiers-lieu de Cluny") == 3  # one section per follow


def test_without_a_target_the_page_says_how_to_choose_one(client):
    for query in ("", f"?commune={CLUNY}&region=27"):
        page = client.get(f"/suivre{query}")
        assert page.status_code == 200 and 'href="/territoires/"' in page.text
    assert client.post("/suivre", data={"email": ADDRESS}).status_code == 400
    assert count(Follower) == 0


@pytest.mark.parametrize("query", ["commune=00000", "theme=nope", "initiative=999999",
                                   "departement=%3Cscript%3E"])
def test_nothing_to_follow_is_a_404(client, themes, query):
    assert client.get(f"/suivre?{query}").status_code == 404


def test_a_pending_initiative_cannot_be_followed(client, themes):
    pending = make_initiative("Pas encore publiée")
    assert client.get(f"/suivre?initiative={pending.id}").status_code == 404


def test_the_honeypot_and_a_bad_address_are_refused(client, mailbox):
    assert follow(client, nickname="robot").status_code == 400
    assert follow(client, email="pas-une-adresse").status_code == 400
    assert count(Follower) == 0 and count(OutboxMessage) == 0


def test_the_page_says_the_same_whoever_follows_and_strangers_change_nothing(
        client, mailbox):
    confirmed(client, mailbox)
    answer = follow(client, frequency="immediate")
    assert answer.status_code == 200 and "Vérifiez votre boîte" in answer.text
    assert db.session.scalar(sa.select(Follow.frequency)) == "weekly"


def test_an_erasure_request_erases_the_address(client, runner, mailbox):
    confirmed(client, mailbox)
    result = runner.invoke(args=["follows", "erase", ADDRESS.upper()])
    assert "Address erased." in result.output
    assert count(Follower) == count(Follow) == 0
    assert count(OutboxMessage, OutboxMessage.recipient == ADDRESS) == 0


def test_digests_are_a_job_of_their_own(app, runner, mailbox):
    assert "digests" in runner.invoke(args=["jobs", "list"]).output
    assert "digests: done" in runner.invoke(args=["follows", "digests"]).output


ATOM_LINK = re.compile(r'<link rel="alternate" type="application/atom\+xml" title="[^"]*" '
                       r'href="/initiatives\.atom\?([^"]+)"')


def test_territory_category_and_initiative_pages_offer_to_follow(client, accounts):
    watched = publish_in_cluny("Tiers-lieu de Cluny", accounts)
    for path, query in ((f"/territoires/commune/{CLUNY}", f"commune={CLUNY}"),
                        ("/territoires/71", "departement=71"),
                        ("/territoires/epci/200040293", "epci=200040293"),
                        ("/territoires/region/27", "region=27"),
                        ("/initiatives?theme=solidarite", "theme=solidarite"),
                        ("/?theme=solidarite", "theme=solidarite")):
        page = client.get(path)
        assert page.status_code == 200, path
        assert f'href="/suivre?{query}"' in page.text, path
        assert ATOM_LINK.search(page.text).group(1) == query, path
        assert client.get(f"/suivre?{query}").status_code == 200
    page = client.get(f"/initiatives/{watched.id}-tiers-lieu-de-cluny")
    assert f'href="/suivre?initiative={watched.id}"' in page.text
    # Filters that name no single thing offer the feed only.
    mixed = client.get("/initiatives?theme=solidarite&kind=place")
    assert "/suivre?" not in mixed.text and ATOM_LINK.search(mixed.text)


def test_a_follower_reads_its_e_mails_in_the_language_it_subscribed_in(client, mailbox):
    page = client.get(f"/suivre?commune={CLUNY}&lang=en")
    assert "Follow the commune of Cluny" in page.text
    follow(client, f"commune={CLUNY}&lang=en")
    message = delivered(mailbox)[-1]
    assert message["Subject"] == "Confirm your follow on Maillage"
    assert "the commune of Cluny" in body(message)


def test_the_privacy_notice_says_what_is_kept_of_followers_and_how_to_erase_it(client, themes):
    for path in ("/a-propos", f"/suivre?commune={CLUNY}"):
        text = client.get(path).text
        assert "Conservé : votre adresse e-mail" in text and "Effacement" in text, path
    assert "Following by e-mail: your data" in client.get("/a-propos?lang=en").text


def test_following_an_actor_tells_what_its_initiatives_became(client, mailbox, accounts):
    from app.models import Actor

    start = utcnow()
    led = make_initiative("Repair café", actor_name="Ville de Cluny", actor_type="commune")
    with write_transaction():
        decide(led, "approve", moderator=accounts.national, expected_version=None)
    actor = db.session.scalar(sa.select(Actor).where(Actor.name == "Ville de Cluny"))
    page = client.get(f"/suivre?actor={actor.id}")
    assert page.status_code == 200 and "l'acteur Ville de Cluny" in page.text
    follow(client, f"actor={actor.id}", frequency="immediate")
    client.post(link(delivered(mailbox)[-1], "/suivre/confirmer/"))
    with write_transaction():
        update_initiative(led, {"summary": "Le samedi matin."}, author=None)
    make_initiative("Autre porteur", status="published", actor_name="Association Tiers")
    assert send_digests(now=start + LATER) == "1 digest(s) sent"
    digest = body(delivered(mailbox)[-1])
    assert "Modifiée : Repair café" in digest and "Autre porteur" not in digest
    assert f'href="/suivre?actor={actor.id}"' in client.get(f"/initiatives?actor={actor.id}").text
    actor_page = client.get(f"/acteurs/{actor.id}", follow_redirects=True)
    assert f'href="/suivre?actor={actor.id}"' in actor_page.text
    assert ATOM_LINK.search(actor_page.text).group(1) == f"actor={actor.id}"
