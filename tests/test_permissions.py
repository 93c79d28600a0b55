"""Who may do what: a role × action matrix over every contribution, moderation and admin route.

Every endpoint of the accounts, contribute and moderation blueprints, and every URL under
/admin or /moderation, must have a rule below: a new route without one fails the suite.
"""

from dataclasses import dataclass

import pytest
from flask import url_for

from app.database import write_transaction
from app.extensions import db
from app.harvest.settings import SourceValues, add_source
from app.initiatives.actors import find_or_create_actor
from app.initiatives.change_sets import propose_change
from app.initiatives.dossiers import save_dossier
from app.initiatives.follow_ups import issue_follow_up
from app.initiatives.reports import file_report
from app.models import Actor, HarvestSource, RejectReason, Theme
from tests.factories import login, make_initiative

ROLES = ("anonymous", "contributor", "moderator_out", "moderator_in", "admin")
ALLOWED = {
    "public": set(ROLES),
    "member": {"contributor", "moderator_out", "moderator_in", "admin"},
    "moderator": {"moderator_out", "moderator_in", "admin"},
    "scoped": {"moderator_in", "admin"},  # the object lies in Saône-et-Loire
    "admin": {"admin"},
    "owner": set(),  # the account that sent it (tests/test_my_contributions.py); none here did
}


DOSSIER, DOSSIER_TO_DELETE = "dossier-des-droits", "a-supprimer"


def make_dossiers(initiative_id: int) -> None:
    """The dossiers the routes name (in the caller's transaction)."""
    for slug in (DOSSIER, DOSSIER_TO_DELETE):
        save_dossier(None, {"slug": slug, "title": "Droits", "initiatives": [initiative_id]},
                     None)


@dataclass
class Objects:
    pending: int
    published: int
    change_set: int
    report: int
    user: int
    scope: int
    theme: int
    reason: int
    token: str


TEST_ACTOR = "Acteur de la matrice"


def make_matrix_source() -> None:
    add_source(SourceValues("Matrice", "http://127.0.0.1:9/lieux.geojson", "geojson"),
               author=None)


def matrix_source_id() -> int:
    """The id of the harvest source the fixture made (on loopback, refused at once: a sync
    reaches no network)."""
    return db.session.scalar(db.select(HarvestSource.id))


def matrix_actor_id() -> int:
    """The id of the actor the fixture made (ids are not reset between tests on SQLite)."""
    return db.session.scalar(db.select(Actor.id).where(Actor.name == TEST_ACTOR))


RULES = {
    "accounts.login": ("public", lambda o: {}),
    "accounts.logout": ("public", lambda o: {}),
    "accounts.my_contributions": ("member", lambda o: {}),
    "accounts.admin_index": ("admin", lambda o: {}),
    "accounts.admin_users": ("admin", lambda o: {}),
    "accounts.admin_user": ("admin", lambda o: {"user_id": o.user}),
    "accounts.admin_add_scope": ("admin", lambda o: {"user_id": o.user}),
    "accounts.admin_remove_scope": ("admin", lambda o: {"user_id": o.user, "scope_id": o.scope}),
    "accounts.admin_themes": ("admin", lambda o: {}),
    "accounts.admin_theme": ("admin", lambda o: {"theme_id": o.theme}),
    "accounts.admin_delete_theme": ("admin", lambda o: {"theme_id": o.theme}),
    "accounts.admin_reasons": ("admin", lambda o: {}),
    "accounts.admin_reason": ("admin", lambda o: {"reason_id": o.reason}),
    "accounts.admin_erase": ("admin", lambda o: {"initiative_id": o.pending}),
    "accounts.admin_outbox": ("admin", lambda o: {}),
    "accounts.admin_audit": ("admin", lambda o: {}),
    "contribute.new": ("public", lambda o: {}),
    "contribute.correction": ("public", lambda o: {"initiative_id": o.published}),
    "contribute.report": ("public", lambda o: {"initiative_id": o.published}),
    "contribute.follow_up": ("public", lambda o: {"token": o.token}),
    # A reminder's signed links: public, each refused with its own page when not genuine.
    "contribute.reminder_confirm": ("public", lambda o: {"token": "not-signed"}),
    "contribute.reminder_correct": ("public", lambda o: {"token": "not-signed"}),
    "contribute.reminder_ended": ("public", lambda o: {"token": "not-signed"}),
    "contribute.my_proposal": ("owner", lambda o: {"initiative_id": o.pending}),
    "contribute.my_correction": ("owner", lambda o: {"change_set_id": o.change_set}),
    "moderation.queue": ("moderator", lambda o: {}),
    "moderation.bulk": ("moderator", lambda o: {}),
    "moderation.stale_queue": ("moderator", lambda o: {}),
    "moderation.confirm_entry": ("scoped", lambda o: {"initiative_id": o.published}),
    "moderation.review": ("scoped", lambda o: {"initiative_id": o.pending}),
    "moderation.decide": ("scoped", lambda o: {"initiative_id": o.pending}),
    "moderation.edit": ("scoped", lambda o: {"initiative_id": o.pending}),
    "moderation.merge": ("scoped", lambda o: {"initiative_id": o.pending}),
    "moderation.history": ("scoped", lambda o: {"initiative_id": o.published}),
    "moderation.review_change_set": ("scoped", lambda o: {"change_set_id": o.change_set}),
    "moderation.decide_change": ("scoped", lambda o: {"change_set_id": o.change_set}),
    "moderation.decide_report": ("scoped", lambda o: {"report_id": o.report}),
    "moderation.lineage": ("scoped", lambda o: {"initiative_id": o.pending}),
    "moderation.dossiers": ("moderator", lambda o: {}),
    "moderation.new_dossier": ("moderator", lambda o: {}),
    "moderation.edit_dossier": ("moderator", lambda o: {"slug": DOSSIER}),
    # A dossier of its own: the matrix deletes it for each role let in.
    "moderation.remove_dossier": ("moderator", lambda o: {"slug": DOSSIER_TO_DELETE}),
    "moderation.actors": ("moderator", lambda o: {}),
    "moderation.edit_actor": ("moderator", lambda o: {"actor_id": matrix_actor_id()}),
    "moderation.merge_actor": ("moderator", lambda o: {"actor_id": matrix_actor_id()}),
    "exchange.admin_sources": ("admin", lambda o: {}),
    "exchange.admin_new_source": ("admin", lambda o: {}),
    "exchange.admin_source": ("admin", lambda o: {"source_id": matrix_source_id()}),
    "exchange.admin_pause_source": ("admin", lambda o: {"source_id": matrix_source_id()}),
    "exchange.admin_sync_source": ("admin", lambda o: {"source_id": matrix_source_id()}),
}
# Signing out ends the session: it goes last.
ORDER = sorted(RULES, key=lambda endpoint: endpoint == "accounts.logout")


def covered_endpoints(app) -> set[str]:
    """The endpoints this matrix must rule on."""
    found = set()
    for rule in app.url_map.iter_rules():
        ours = rule.endpoint.split(".")[0] in ("accounts", "contribute", "moderation")
        if ours or rule.rule.startswith(("/admin", "/moderation")):
            found.add(rule.endpoint)
    return found


def test_every_route_has_an_explicit_rule(app):
    endpoints = covered_endpoints(app)
    assert endpoints - RULES.keys() == set(), "add these endpoints to RULES (fail closed)"
    assert RULES.keys() - endpoints == set(), "these RULES name endpoints that do not exist"


@pytest.fixture
def objects(accounts, fast_forms) -> Objects:
    pending = make_initiative("Proposition clunisoise")
    published = make_initiative("Initiative publiée de Cluny", status="published")
    with write_transaction():
        change_set = propose_change(published, {"summary": "Nouveau"}, author=None, email=None,
                                    message="")
        report = file_report(published, "closed", "", reporter=None, email=None)
        token = issue_follow_up(pending)
        reason = RejectReason(label="Hors sujet", text="Hors sujet.")
        db.session.add(reason)
        make_dossiers(published.id)
        find_or_create_actor(TEST_ACTOR, status="published")
        make_matrix_source()
    theme = db.session.scalars(db.select(Theme)).first()
    return Objects(pending.id, published.id, change_set.id, report.id,
                   accounts.moderator_33.id, accounts.moderator_33.scopes[0].id, theme.id,
                   reason.id, token)


def sign_in(client, accounts, role: str) -> None:
    users = {"contributor": accounts.contributor, "moderator_out": accounts.moderator_33,
             "moderator_in": accounts.moderator_71, "admin": accounts.admin}
    if role != "anonymous":
        assert login(client, users[role]).status_code == 302


def refused(response, role: str) -> bool:
    """A refusal: anonymous people are sent to the login page, others get a 403 (a 404 for
    what only its owner may see)."""
    if role == "anonymous" and response.status_code == 302:
        return response.headers["Location"].startswith("/login")
    return response.status_code in (403, 404)


@pytest.mark.parametrize("role", ROLES)
def test_role_action_matrix(app, client, accounts, objects, role):
    sign_in(client, accounts, role)
    failures = []
    for endpoint in ORDER:
        access, values = RULES[endpoint]
        with app.test_request_context():
            path = url_for(endpoint, **values(objects))
        for method in sorted(next(app.url_map.iter_rules(endpoint)).methods - {"HEAD",
                                                                               "OPTIONS"}):
            response = client.open(path, method=method, data={})
            allowed = role in ALLOWED[access]
            if refused(response, role) == allowed or response.status_code >= 500:
                failures.append(f"{method} {path} ({endpoint}): {response.status_code}")
    assert failures == []


@pytest.mark.parametrize("path", ["/moderation/", "/admin/users", "/mes-contributions"])
def test_json_clients_get_a_json_403(client, path):
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_contributor_gets_the_403_page_not_the_login_page(client, accounts):
    login(client, accounts.contributor)
    response = client.get("/moderation/")
    assert response.status_code == 403 and "Vous n&#39;avez pas accès" in response.text


def test_missing_object_is_404_for_those_allowed_and_refused_for_others(client, accounts):
    assert client.get("/moderation/initiatives/999999").status_code == 302
    login(client, accounts.contributor)
    assert client.get("/moderation/initiatives/999999").status_code == 403
    client.post("/logout")
    login(client, accounts.national)
    assert client.get("/moderation/initiatives/999999").status_code == 404
