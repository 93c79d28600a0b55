"""Anonymous visitors cannot spend the server's CPU on previews (issue 13, point 2)."""

import pytest

from app.extensions import limiter
from app.web import markdown
from app.web.limits import FORM_MAX_BYTES
from app.web.markdown import render_markdown
from tests.conftest import make_app
from tests.factories import follow_up_path, make_initiative, proposal_data

HOSTILE = "[" * 25_000  # over the 20,000-character limit, under the body cap
pytestmark = pytest.mark.usefixtures("fast_forms", "themes")


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """The texts the Markdown parser is given."""
    texts = []
    original = markdown._markdown.render
    monkeypatch.setattr(markdown._markdown, "render",
                        lambda text, *args: texts.append(text) or original(text, *args))
    markdown.rendered.cache_clear()
    return texts


def preview(**overrides) -> dict:
    return proposal_data(action="preview", **overrides)


def test_an_over_long_preview_is_refused_unparsed(client, parsed):
    response = client.post("/initiatives/new", data=preview(description=HOSTILE))
    assert response.status_code == 400
    assert parsed == []
    client.post("/initiatives/new", data=preview(description="Un **atelier**."))
    assert parsed == ["Un **atelier**."]


def test_an_over_long_correction_or_follow_up_preview_is_refused_unparsed(client, parsed):
    initiative = make_initiative(status="published")
    response = client.post(f"/initiatives/{initiative.id}/correction",
                           data=preview(description=HOSTILE, message="Plus à jour"))
    assert response.status_code == 400
    path = follow_up_path(client.post("/initiatives/new", data=proposal_data()))
    response = client.post(path, data=preview(description=HOSTILE))
    assert response.status_code == 400
    assert parsed == []


def test_rendering_keeps_to_its_size_budget(parsed):
    hostile = "[" * 19_990 + "]("
    html = render_markdown(hostile)
    assert parsed == []
    assert html == f"<p>{hostile}</p>"
    assert str(render_markdown("<b>x</b>\r\n\r\n" + "[" * 600)) == \
        f"<p>&lt;b&gt;x&lt;/b&gt;</p><p>{'[' * 600}</p>"
    assert "<strong>" in render_markdown("Un **atelier** [ici](https://a.fr).")


@pytest.mark.parametrize("csrf", [False, True])
def test_a_form_body_over_the_cap_is_refused_unread(migrated, csrf):
    app = make_app(migrated, WTF_CSRF_ENABLED=csrf)
    client = app.test_client()
    big = "x" * FORM_MAX_BYTES
    assert client.post("/initiatives/new", data=preview(summary=big)).status_code == 413
    assert client.post("/suivi/" + "A" * 43, data={"description": big}).status_code == 413
    assert client.post("/login", data={"email": big}).status_code == 413


def test_follow_up_posts_are_rate_limited(migrated, client):
    path = follow_up_path(client.post("/initiatives/new", data=proposal_data()))
    limited = make_app(migrated, RATELIMIT_ENABLED=True, FOLLOW_UP_RATE_LIMIT="2 per hour",
                       FORM_MIN_SECONDS=0)
    limiter.reset()
    visitor = limited.test_client()
    with limited.app_context():
        statuses = [visitor.post(path, data=preview(description="Texte")).status_code
                    for _ in range(3)]
        assert visitor.get(path).status_code == 200  # reading is never limited
    limiter.reset()
    assert statuses == [200, 200, 429]


def test_sign_out_posts_are_rate_limited(migrated, app):
    limited = make_app(migrated, RATELIMIT_ENABLED=True, LOGOUT_RATE_LIMIT="2 per hour")
    limiter.reset()
    visitor = limited.test_client()
    with limited.app_context():
        statuses = [visitor.post("/logout").status_code for _ in range(3)]
        assert visitor.get("/logout").status_code == 200  # the page itself is not limited
    limiter.reset()
    assert statuses == [302, 302, 429]
