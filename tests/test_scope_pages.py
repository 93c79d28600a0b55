"""Whole-territory entries on the pages and in the exports (issue 15.3)."""

import pytest

from tests.factories import sign_in
from tests.test_scope_api import mixed  # noqa: F401 (a fixture)

PUBLIC_URLS = ("/", "/initiatives", "/embed", "/territoires/22", "/territoires/region/53",
               "/territoires/", "/initiatives.atom", "/initiatives?near=71137",
               "/export/initiatives.geojson", "/export/initiatives.umap",
               "/export/initiatives.csv", "/export/initiatives.gpkg")


def test_every_page_and_export_answers_with_whole_territories(client, mixed):  # noqa: F811
    ids = [initiative.id for initiative in mixed]
    urls = [*PUBLIC_URLS, *(f"/initiatives/{i}" for i in ids)]
    failed = {url: status for url in urls
              if (status := client.get(url, follow_redirects=True).status_code) >= 400}
    sign_in(client, "admin")
    urls = ["/moderation", *(f"/moderation/initiatives/{i}" for i in ids),
            *(f"/moderation/initiatives/{i}/edit" for i in ids)]
    failed |= {url: status for url in urls
               if (status := client.get(url, follow_redirects=True).status_code) >= 400}
    assert not failed, sorted(failed.items())


def test_the_page_of_a_whole_territory_draws_its_outline_and_no_pin(client, mixed):  # noqa: F811
    page = client.get(f"/initiatives/{mixed[1].id}", follow_redirects=True).get_data(True)
    assert "geo_json" in page and "circle_marker" not in page
    page = client.get(f"/initiatives/{mixed[0].id}", follow_redirects=True).get_data(True)
    assert "circle_marker" in page


def test_the_page_of_a_whole_territory_says_it_has_no_place(client, mixed):  # noqa: F811
    page = client.get(f"/initiatives/{mixed[1].id}", follow_redirects=True).get_data(True)
    assert "Pas de lieu : l'initiative couvre tout ce territoire (portée départementale " \
        ": Côtes-d&#39;Armor)." in page
    assert '"latitude": null' not in page and '"AdministrativeArea"' in page



def test_the_side_panel_finds_whole_territories_through_the_scope_index(app, mixed):  # noqa: F811
    """The panel is on every map page: at a million local entries, reading them all to find
    the few dozen whole-territory ones took 658 ms a page on PostgreSQL."""
    import sqlalchemy as sa

    from app.database import write_transaction
    from app.extensions import db
    from app.filters import Filters
    from app.geo.spatial import explain
    from app.public.scope_panel import whole_territory_statement
    from tests.factories import make_initiative

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's planner, without per-value statistics, keeps the status index")
    with write_transaction():
        for number in range(40):  # many local entries, few whole territories: as in life
            make_initiative(f"Repair café {number}", status="published", themes=None)
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))  # a few rows: cheaper
    plan = explain(whole_territory_statement(Filters()))
    assert "ix_initiatives_scope" in plan, plan
    assert "Index Cond: ((scope)::text = ANY" in plan, plan  # looked up, not filtered
