"""Hostile values through the other forms: corrections, reports, the follow-up link,
moderation decisions, merges, bulk decisions, sign-in and the admin pages."""

import pytest
import sqlalchemy as sa

from app.contribute.anti_abuse import issue_stamp
from app.database import write_transaction
from app.extensions import db
from app.initiatives.follow_ups import issue_follow_up
from app.models import ChangeSet, Initiative, Report, Revision, Theme
from app.web.limits import FORM_MAX_BYTES
from tests.factories import PASSWORD, make_initiative
from tests.security.conftest import table_counts
from tests.security.inspect_html import injections, page_problems
from tests.security.payloads import (
    ATTRIBUTE_BREAKERS,
    CSV_FORMULAS,
    MARKDOWN_LINKS,
    SCRIPT,
    SQL,
    UNICODE,
    short_id,
)

# Numbers as people and scripts type them: "²" and "٣" are digits to str.isdigit() only.
ODD_NUMBERS = ["²", "٣", "-1", "99999999999999999999", "9" * 5000, "1e3", " 7", "", "abc",
               "\x00", "1.5", "0x10"]
HOSTILE = [*SCRIPT, *ATTRIBUTE_BREAKERS, *MARKDOWN_LINKS[:6], *SQL[:3], *UNICODE[:3],
           *CSV_FORMULAS[:2]]

pytestmark = pytest.mark.usefixtures("fast_forms")


@pytest.fixture
def items(accounts):
    """A pending proposal with its follow-up token, and a published initiative."""
    pending = make_initiative("Proposition clunisoise")
    published = make_initiative("Initiative publiée", status="published")
    with write_transaction():
        token = issue_follow_up(pending)
    return pending, published, token


def test_decision_reasons_are_shown_inert_to_proposer_and_moderators(client, moderator,
                                                                     items):
    pending, _published, token = items
    problems = []
    for reason in HOSTILE:
        response = moderator.post(f"/moderation/initiatives/{pending.id}/decision", data={
            "decision": "request_changes", "reason": reason,
            "version": db.session.get(Initiative, pending.id).version})
        assert response.status_code == 302, (short_id(reason), response.status_code)
        stored = db.session.scalars(sa.select(Revision).order_by(Revision.id.desc())).first()
        problems += [f"{short_id(reason)}: {problem}" for problem in [
            *page_problems(client.get(f"/suivi/{token}"), stored.reason),
            *page_problems(moderator.get(f"/initiatives/{pending.id}/history"), stored.reason)]]
    assert problems + page_problems(moderator.get("/moderation/")) == []


def test_corrections_and_reports_are_shown_inert_to_moderators(client, moderator, items):
    _pending, published, _token = items
    for payload in HOSTILE:
        response = client.post(f"/initiatives/{published.id}/correction", data={
            "name": published.name, "kind": "initiative", "commune": "Cluny",
            "summary": payload, "description": payload, "message": payload,
            "stamp": issue_stamp(), "action": "send"})
        assert response.status_code in (302, 400), (short_id(payload), response.status_code)
        response = client.post(f"/initiatives/{published.id}/signaler", data={
            "kind": "other", "message": payload, "stamp": issue_stamp()})
        assert response.status_code in (302, 400), (short_id(payload), response.status_code)
    change_sets = db.session.scalars(sa.select(ChangeSet)).all()
    reports = db.session.scalars(sa.select(Report)).all()
    assert len(change_sets) >= len(HOSTILE) - 2 and len(reports) == len(HOSTILE)
    problems = page_problems(moderator.get("/moderation/"))
    for change_set in change_sets:
        problems += page_problems(moderator.get(f"/moderation/change-sets/{change_set.id}"),
                                  change_set.message)
    problems += page_problems(moderator.get(f"/moderation/initiatives/{published.id}"))
    problems += page_problems(moderator.get(f"/initiatives/{published.id}/history"))
    assert problems == []


def odd_posts(pending: Initiative, token: str, number: str,
              slug: str) -> list[tuple[str, str, dict]]:
    """(who, path, form) of every form taking an id, a version or a position."""
    return [
        ("moderator", f"/moderation/initiatives/{pending.id}/decision",
         {"decision": "reject", "reason": "Hors sujet", "version": number}),
        ("moderator", f"/moderation/initiatives/{pending.id}/decision",
         {"decision": "reject", "reason_id": number, "version": pending.version}),
        ("moderator", f"/moderation/initiatives/{pending.id}/merge",
         {"target_id": number, "version": pending.version}),
        ("moderator", "/moderation/bulk", {"items": [f"proposal:{number}:1",
                                                     f"proposal:{pending.id}:{number}",
                                                     f"{number}:{number}:{number}"],
                                           "decision": "reject", "reason": "Hors sujet"}),
        ("moderator", f"/moderation/initiatives/{pending.id}/edit",
         {"name": "Autre nom", "kind": "initiative", "commune": "Cluny", "version": number}),
        ("anonymous", f"/suivi/{token}",
         {"name": "Autre nom", "kind": "initiative", "commune": "Cluny", "version": number}),
        ("admin", "/admin/themes", {"slug": slug, "label_fr": "Nouveau", "label_en": "New",
                                    "colour": "#123456", "icon": "star", "position": number}),
        ("admin", "/admin/reasons", {"label": "Motif", "text": "Texte", "position": number}),
    ]


def test_odd_ids_and_versions_never_break_a_form(client, moderator, admin, items):
    """A version, an id or a position is an integer or nothing: never a 500 (these were)."""
    pending, published, token = items
    clients = {"anonymous": client, "moderator": moderator, "admin": admin}
    failures = []
    for index, number in enumerate(ODD_NUMBERS):
        for who, path, data in odd_posts(pending, token, number, f"nouveau-{index}"):
            status = clients[who].post(path, data=data).status_code
            if status >= 500:
                failures.append(f"{path} {short_id(str(data))}: {status}")
    assert failures == []
    # Blank or padded versions ("", " 7") aside, none of them decided anything.
    assert db.session.get(Initiative, published.id).status == "published"


@pytest.mark.slow
def test_sign_in_with_hostile_values_is_refused(client, accounts):
    for value in [*HOSTILE, "a@b.fr\r\nBcc: x@y.fr", "x" * 1_000_000]:
        response = client.post("/login", data={"email": value, "password": PASSWORD})
        # 413: a megabyte is over the form body cap, refused unread
        assert response.status_code in (200, 400, 401, 413), (short_id(value),
                                                              response.status_code)
        assert injections(response.text) == []
    for value in (SCRIPT[0], SQL[0], "x" * 1_000_000):  # each costs an argon2 check
        response = client.post("/login", data={"email": accounts.admin.email, "password": value})
        assert response.status_code == (413 if len(value) > FORM_MAX_BYTES else 401)
    assert client.get("/mes-contributions").status_code == 302


def test_admin_texts_are_shown_inert_on_public_and_admin_pages(client, admin, accounts):
    themes = db.session.scalars(sa.select(Theme).order_by(Theme.position)).all()
    for theme, payload in zip(themes, HOSTILE, strict=False):
        response = admin.post(f"/admin/themes/{theme.id}", data={
            "slug": theme.slug, "label_fr": payload[:120], "label_en": payload[:120],
            "colour": theme.colour, "icon": theme.icon, "position": theme.position})
        assert response.status_code in (302, 400), response.status_code
        make_initiative(f"Avec le thème {theme.slug}", status="published", themes=[theme.slug])
    response = admin.post(f"/admin/users/{accounts.contributor.id}", data={
        "display_name": SCRIPT[0][:120], "role": "contributor", "active": "y"})
    assert response.status_code in (302, 400)
    admin.post("/admin/reasons", data={"label": SCRIPT[0], "text": ATTRIBUTE_BREAKERS[0],
                                       "position": 1})
    problems = []
    for path in ("/", "/initiatives", "/embed", "/export", "/territoires/71"):
        problems += page_problems(client.get(path))
    for path in ("/admin/users", "/admin/themes", "/admin/reasons"):
        problems += page_problems(admin.get(path))
    assert problems == []


def test_nul_bytes_are_refused_before_reaching_the_database(client, moderator, items):
    """PostgreSQL refuses NUL in text: a sign-in, a search or a reason holding one was a
    server error there (SQLite stored it). Now every channel answers 400 first."""
    pending, published, _token = items
    before = table_counts()
    answers = [
        client.post("/login", data={"email": "admin@example.fr\x00", "password": PASSWORD}),
        client.get("/api/v1/initiatives", query_string={"theme": "a\x00b"}),
        client.get("/initiatives", query_string={"q": "jardin\x00"}),
        moderator.get("/moderation/", query_string={"theme": "a\x00b"}),
        moderator.post(f"/moderation/initiatives/{pending.id}/decision", data={
            "decision": "reject", "reason": "Hors\x00sujet", "version": pending.version}),
        client.post(f"/initiatives/{published.id}/signaler", data={
            "kind": "other", "message": "nul\x00", "stamp": issue_stamp()}),
    ]
    assert [answer.status_code for answer in answers] == [400] * len(answers)
    assert answers[1].get_json()["error"]["code"] == "invalid_character"
    assert table_counts() == before
