"""Only accepted submissions count toward a sender's quota, per account when signed in; a
sender over it gets the form back as typed, with the time to wait."""

import re

import pytest

from app.extensions import limiter
from app.models import Initiative
from tests.conftest import make_app
from tests.factories import count, proposal_data, sign_in


@pytest.fixture
def limited(migrated, themes):
    """An app with the rate limits on: 2 accepted per address, 3 per account."""
    app = make_app(migrated, RATELIMIT_ENABLED=True, SUBMISSION_RATE_LIMIT="2 per hour",
                   ACCOUNT_SUBMISSION_RATE_LIMIT="3 per hour", FORM_MIN_SECONDS=0)
    limiter.reset()
    with app.app_context():
        yield app
    limiter.reset()


def propose(client, name: str, **overrides):
    return client.post("/initiatives/new", data=proposal_data(
        name=name, confirm_distinct="y", **overrides))


def test_previews_and_refused_attempts_do_not_count(limited):
    client = limited.test_client()
    for _ in range(4):
        assert propose(client, "Aperçu", action="preview").status_code == 200
        assert propose(client, "", commune="").status_code == 400
    assert [propose(client, f"Initiative {n}").status_code for n in range(2)] == [302, 302]
    assert count(Initiative) == 2


def test_over_the_quota_the_form_comes_back_as_typed_with_the_time_to_wait(limited):
    client = limited.test_client()
    assert [propose(client, f"Initiative {n}").status_code for n in range(2)] == [302, 302]
    refused = propose(client, "Troisième jardin partagé", summary="Un résumé tapé avec soin.")
    assert refused.status_code == 429
    assert 'value="Troisième jardin partagé"' in refused.text
    assert "Un résumé tapé avec soin." in refused.text
    minutes = re.search(r"envoyez-la de nouveau dans (\d+) minutes", refused.text)
    assert minutes and 1 <= int(minutes[1]) <= 60
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    assert 'name="stamp"' in refused.text  # the same form can be sent later
    assert count(Initiative) == 2


def test_signed_in_contributors_have_their_own_higher_quota(limited):
    anonymous = limited.test_client()
    assert [propose(anonymous, f"Anonyme {n}").status_code for n in range(3)] == [302, 302, 429]
    agent = limited.test_client()  # same address: a town hall's agents share one
    sign_in(agent, "contributor", "agent@mairie.example")
    statuses = [propose(agent, f"Agent {n}").status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]
    colleague = limited.test_client()
    sign_in(colleague, "contributor", "collegue@mairie.example")
    assert propose(colleague, "Collègue").status_code == 302


def test_signed_in_contributors_skip_the_minimum_fill_time(app, client, themes):
    app.config["FORM_MIN_SECONDS"] = 3
    assert "trop rapide" in propose(client, "Trop vite").text
    sign_in(client, "contributor", "agent@mairie.example")
    assert propose(client, "Texte préparé d'avance").status_code == 302
