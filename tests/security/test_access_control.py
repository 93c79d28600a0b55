"""Access control fails closed: every route of the app has an explicit rule here (those of
accounts, contributions, moderation and administration come from tests/test_permissions.py).

The test walks app.url_map: a route without a rule fails the suite, so a new page is
public only because someone wrote so. Each protected route is called, with every method,
as an anonymous visitor, a contributor and a moderator of another territory; each public
one as an anonymous visitor, which must never see a pending initiative or a private e-mail.
"""

from dataclasses import dataclass, replace

import pytest

from app.database import write_transaction
from app.exchange import staging
from app.exchange.services import FORMATS
from app.exchange.sources import parse_source
from app.extensions import db
from app.initiatives.actors import find_or_create_actor
from app.initiatives.change_sets import propose_change
from app.initiatives.follow_ups import issue_follow_up
from app.initiatives.reports import file_report
from app.models import RejectReason, Theme
from tests.factories import SECRET_EMAIL, login, make_initiative
from tests.test_permissions import (
    DOSSIER,
    TEST_ACTOR,
    make_dossiers,
    make_matrix_source,
    matrix_actor_id,
)
from tests.test_permissions import RULES as ROLE_MATRIX_RULES
from tests.test_permissions import Objects as RoleMatrixObjects

# Who gets in: refused ones are sent to the login page (anonymous) or get a 403 (or a 404
# for an upload that is not theirs).
ACCESS = {
    "public": {"anonymous", "contributor", "moderator_out"},
    "member": {"contributor", "moderator_out"},
    "moderator": {"moderator_out"},
    "importer": {"moderator_out"},  # moderators and admins; not territorial
    "uploader": set(),  # the admin who uploaded the file, no one else
    "scoped": set(),  # moderators of Saône-et-Loire (71), admins
    "admin": set(),
    "owner": set(),  # the account that sent the proposal or correction
    "link_holder": set(),  # whoever holds a signed link e-mailed to a follower
}
CALLERS = ("anonymous", "contributor", "moderator_out")


@dataclass
class Objects(RoleMatrixObjects):
    upload: str  # the token of a file an admin uploaded for import


def initiative(o):
    return {"initiative_id": o.published}


# Accounts, contributions, moderation and administration: the role matrix's own rules.
RULES = {
    **ROLE_MATRIX_RULES,
    # Public pages, data and files (declared so on purpose).
    "public.index": ("public", lambda o: {}),
    "public.whole_territories": ("public", lambda o: {}),
    "public.initiatives": ("public", lambda o: {}),
    "public.initiative": ("public", lambda o: {**initiative(o), "slug": "initiative"}),
    "public.embed": ("public", lambda o: {}),
    "public.france": ("public", lambda o: {}),
    "public.departement": ("public", lambda o: {"code": "71"}),
    "public.region": ("public", lambda o: {"code": "27"}),
    "public.epci": ("public", lambda o: {"siren": "200040293"}),
    "public.commune": ("public", lambda o: {"insee": "71137"}),
    "public.departement_directory": ("public", lambda o: {"code": "71"}),
    "public.epci_directory": ("public", lambda o: {"siren": "200040293"}),
    "public.commune_directory": ("public", lambda o: {"insee": "71137"}),
    "public.list_directory": ("public", lambda o: {}),
    "public.about": ("public", lambda o: {}),
    "public.feed": ("public", lambda o: {}),
    "public.commune_suggestions": ("public", lambda o: {}),
    "public.vendor": ("public", lambda o: {"package": "leaflet", "filename": "leaflet.js"}),
    "static": ("public", lambda o: {"filename": "css/maillage.css"}),
    "healthz": ("public", lambda o: {}),
    "api.initiatives": ("public", lambda o: {}),
    "api.initiative": ("public", initiative),
    "api.themes": ("public", lambda o: {}),
    "api.communes": ("public", lambda o: {}),
    "api.stats": ("public", lambda o: {}),
    "api.openapi_document": ("public", lambda o: {}),
    "api.docs": ("public", lambda o: {}),
    "api.map_points": ("public", lambda o: {}),
    "api.map_point": ("public", initiative),
    "api.map_names": ("public", lambda o: {}),  # names of public ones only: test_map_names
    "api.map_tile": ("public", lambda o: {"z": "0", "x": "0", "y": "0"}),
    "public.dossiers": ("public", lambda o: {}),
    "public.dossier": ("public", lambda o: {"slug": DOSSIER}),
    "public.dossier_directory": ("public", lambda o: {"slug": DOSSIER}),
    "api.dossiers": ("public", lambda o: {}),
    "api.dossier": ("public", lambda o: {"slug": DOSSIER}),
    "public.actors": ("public", lambda o: {}),
    "public.actor": ("public", lambda o: {"actor_id": matrix_actor_id(), "slug": "acteur"}),
    "api.actors": ("public", lambda o: {}),
    "api.actor": ("public", lambda o: {"actor_id": matrix_actor_id()}),
    "exchange.export_page": ("public", lambda o: {}),
    "exchange.export_mediation_num": ("public", lambda o: {}),
    "exchange.export_di_structures": ("public", lambda o: {}),
    "exchange.export_di_services": ("public", lambda o: {}),
    "exchange.export": ("public", lambda o: {"fmt": "csv"}),
    "exchange.open_in_umap": ("public", lambda o: {}),
    "following.follow": ("public", lambda o: {}),
    "following.confirm": ("link_holder", lambda o: {"token": "not-a-signed-link"}),
    "following.manage": ("link_holder", lambda o: {"token": "not-a-signed-link"}),
    "following.unsubscribe": ("link_holder", lambda o: {"token": "not-a-signed-link"}),
    # Imports.
    "exchange.import_upload": ("importer", lambda o: {}),
    "exchange.import_mapping": ("uploader", lambda o: {"token": o.upload}),
    "exchange.import_preview": ("uploader", lambda o: {"token": o.upload}),
    "exchange.import_commit": ("uploader", lambda o: {"token": o.upload}),
}
# The follow-up link is public to whoever holds its secret: the proposer, who sees their own
# e-mail there.
SECRET_LINKS = ("contribute.follow_up",)
# Public routes naming an initiative must not show a pending one.
NAMES_AN_INITIATIVE = ("public.initiative", "api.initiative", "api.map_point",
                       "contribute.correction", "contribute.report")


def test_every_route_has_an_explicit_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - RULES.keys() == set(), "give these routes a rule (fail closed)"
    assert RULES.keys() - endpoints == set(), "these rules name routes that do not exist"


@pytest.fixture
def objects(app, accounts, fast_forms) -> Objects:
    pending = make_initiative("Proposition clunisoise")
    published = make_initiative("Initiative publiée de Cluny", status="published")
    with write_transaction():
        change_set = propose_change(published, {"summary": "Nouveau"}, author=None,
                                    email=SECRET_EMAIL, message="")
        report = file_report(published, "closed", "", reporter=None, email=SECRET_EMAIL)
        token = issue_follow_up(pending)
        reason = RejectReason(label="Hors sujet", text="Hors sujet.")
        db.session.add(reason)
        make_dossiers(published.id)
        find_or_create_actor(TEST_ACTOR, status="published")
        make_matrix_source()
        upload = staging.store(parse_source(b"name,commune\nAtelier,Cluny\n", "a.csv", 1000),
                               accounts.admin.id)
    theme = db.session.scalars(db.select(Theme)).first()
    return Objects(pending.id, published.id, change_set.id, report.id, accounts.moderator_33.id,
                   accounts.moderator_33.scopes[0].id, theme.id, reason.id, token, upload)


def calls(app, objects: Objects):
    """(endpoint, method, path) of every route, for every method it answers."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint == "accounts.logout"):
        _access, values = RULES[rule.endpoint]
        built = rule.build({key: value for key, value in values(objects).items()
                            if key in rule.arguments}, append_unknown=False)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, built[1]


def refused(response, caller: str) -> bool:
    location = response.headers.get("Location", "")
    if caller == "anonymous" and response.status_code == 302:
        return location.startswith("/login")
    return response.status_code in (401, 403, 404)


@pytest.mark.parametrize("caller", CALLERS)
def test_every_route_lets_in_only_whom_its_rule_names(app, client, accounts, objects, caller):
    users = {"contributor": accounts.contributor, "moderator_out": accounts.moderator_33}
    if caller != "anonymous":
        assert login(client, users[caller]).status_code == 302
    failures = []
    for endpoint, method, path in calls(app, objects):
        response = client.open(path, method=method, data={})
        allowed = caller in ACCESS[RULES[endpoint][0]]
        if response.status_code >= 500 or refused(response, caller) == allowed:
            failures.append(f"{method} {path} ({endpoint}): {response.status_code}")
    assert failures == []


def test_public_routes_show_no_pending_initiative_and_no_private_email(app, client, objects):
    leaks = []
    for endpoint, method, path in calls(app, objects):
        if RULES[endpoint][0] != "public" or method != "GET" or endpoint in SECRET_LINKS:
            continue
        response = client.get(path, query_string={"status": "all"})
        if SECRET_EMAIL.encode() in response.data:
            leaks.append(f"{path}: private e-mail")
    for fmt in FORMATS:  # every export format, not only the one the walk builds
        if SECRET_EMAIL.encode() in client.get(f"/export/initiatives.{fmt}?status=all").data:
            leaks.append(f"export {fmt}: private e-mail")
    for endpoint, method, path in calls(app, replace(objects, published=objects.pending)):
        if endpoint in NAMES_AN_INITIATIVE and method == "GET":
            if client.get(path).status_code != 404:
                leaks.append(f"{path}: shows a pending initiative")
    assert leaks == []
