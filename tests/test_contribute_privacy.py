"""The private e-mails never leave the moderation pages: not in any public page, API or export."""

import pytest
from flask import url_for

from app.database import write_transaction
from app.initiatives.change_sets import propose_change
from app.initiatives.reports import file_report
from tests.factories import SECRET_EMAIL, make_initiative

CORRECTOR, REPORTER = "corrector.secret@example.org", "reporter.secret@example.org"
SECRETS = (SECRET_EMAIL, CORRECTOR, REPORTER, "proposer.secret", "secret@example")
EXPORT_FORMATS = ("geojson", "umap", "csv", "gpkg")
# Query strings the public routes accept, to reach archived initiatives too.
QUERIES = ("", "?status=all", "?status=archived", "?q=secret", "?commune=71137")
# Routes of people with an account or a private token: they have their own tests.
PRIVATE_BLUEPRINTS = ("accounts", "moderation")


@pytest.fixture
def initiatives(seeded, accounts):
    """One initiative of each status, all holding a private e-mail, with a correction and report."""
    made = {status: make_initiative(f"Initiative {status} de Cluny", status=status,
                                    summary="Un résumé public")
            for status in ("published", "archived", "pending", "rejected")}
    with write_transaction():
        propose_change(made["published"], {"summary": "Autre"}, author=None, email=CORRECTOR,
                       message="")
        file_report(made["published"], "closed", "", reporter=None, email=REPORTER)
    return made


def public_urls(app, initiatives) -> list[str]:
    """Every public GET URL: routes without arguments, then those about an initiative."""
    values = {"initiative_id": [i.id for i in initiatives.values()], "slug": ["cluny"],
              "code": ["71", "27"], "fmt": list(EXPORT_FORMATS)}
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint.split(".")[0] in PRIVATE_BLUEPRINTS:
                continue
            if not set(rule.arguments) <= values.keys():
                continue
            for args in combinations(rule.arguments, values):
                base = url_for(rule.endpoint, **args)
                urls.extend(base + query for query in QUERIES)
    return urls


def combinations(arguments, values) -> list[dict]:
    found = [{}]
    for name in arguments:
        found = [{**partial, name: value} for partial in found for value in values[name]]
    return found


def test_private_emails_are_in_no_public_page_api_or_export(app, client, initiatives):
    urls = public_urls(app, initiatives)
    assert any(url.startswith("/api/v1/initiatives/") for url in urls)
    assert len(urls) > 50
    leaks, reached = [], 0
    for url in urls:
        response = client.get(url)
        reached += response.status_code == 200
        body = response.get_data()
        leaks.extend(f"{url}: {secret}" for secret in SECRETS if secret.encode() in body)
    assert leaks == []
    assert reached > 20


def test_published_initiative_page_is_reached_and_clean(client, initiatives):
    published = initiatives["published"]
    for url in (f"/initiatives/{published.id}", f"/api/v1/initiatives/{published.id}",
                f"/initiatives/{published.id}/correction", f"/initiatives/{published.id}/signaler"):
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        assert not any(secret.encode() in response.get_data() for secret in SECRETS), url
