"""Bounding-box queries answer the same on SQLite and PostGIS, through the spatial index."""

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.filters import FilterError, parse_filters
from app.geo.spatial import explain, select_initiatives
from app.models import Initiative

BOXES = {
    "brittany": (-5.2, 47.2, -1.0, 48.95),
    "saone-et-loire": (3.6, 46.1, 5.5, 47.2),
    "paris-region": (1.4, 48.1, 3.6, 49.3),
    "atlantic": (-20.0, 40.0, -6.0, 45.0),
}


def in_box(initiative: Initiative, box) -> bool:
    """Whether the initiative's point is in the box; a whole territory has no point."""
    if initiative.lon is None or initiative.lat is None:
        return False
    minlon, minlat, maxlon, maxlat = box
    return minlon <= initiative.lon <= maxlon and minlat <= initiative.lat <= maxlat


def ids(filters) -> list[int]:
    return [i.id for i in db.session.scalars(select_initiatives(filters))]


@pytest.mark.parametrize("name", BOXES)
def test_bbox_query_returns_exactly_the_initiatives_inside(app, seeded, name):
    box = BOXES[name]
    everything = db.session.scalars(sa.select(Initiative)).all()
    expected = sorted(i.id for i in everything if in_box(i, box))
    bbox = ",".join(str(v) for v in box)
    found = ids(parse_filters(MultiDict({"bbox": bbox})))
    assert found == expected
    # The entries covering a whole territory have no point, so no box holds them.
    territories = {i.id for i in everything if i.lon is None}
    assert territories and not territories & set(found)


def test_bbox_edge_points_are_included_exactly(app, seeded):
    cluny = db.session.scalars(sa.select(Initiative).where(Initiative.insee == "71137")).first()
    exact = f"{cluny.lon},{cluny.lat},{cluny.lon},{cluny.lat}"
    assert cluny.id in ids(parse_filters(MultiDict({"bbox": exact})))
    just_east = f"{cluny.lon + 1e-6},{cluny.lat},{cluny.lon + 1},{cluny.lat}"
    assert cluny.id not in ids(parse_filters(MultiDict({"bbox": just_east})))


def test_bbox_combines_with_theme_and_kind_filters(app, seeded_points):
    # The first seed (53 points, 16 in Brittany across kinds and themes): the corpus has only
    # 18 points, 4 in Brittany each under its own categories, too few for a combined filter
    # to keep some and leave out others.
    box = BOXES["brittany"]
    args = MultiDict([("bbox", ",".join(map(str, box))), ("theme", "continuite-service-public"),
                      ("kind", "initiative"), ("kind", "resource")])
    everything = db.session.scalars(sa.select(Initiative)).all()
    expected = sorted(
        i.id for i in everything
        if in_box(i, box) and i.kind in ("initiative", "resource")
        and "continuite-service-public" in {t.slug for t in i.themes}
    )
    assert expected, "the seed data should have Breton initiatives on proximity"
    assert ids(parse_filters(args)) == expected


def test_text_search_ignores_accents_and_case(app, seeded):
    plain = ids(parse_filters(MultiDict({"q": "BEGLES"})))
    accented = ids(parse_filters(MultiDict({"q": "bègles"})))
    assert plain == accented and plain


def spread_copies(copies: int) -> None:
    """Copy the seed rows many times over a wide area, then ANALYZE: a table large enough
    for the planner to weigh its indexes as it would in production."""
    columns = [column.name for column in Initiative.__table__.columns
               if column.name not in ("id", "external_id", "lon", "lat")]
    listed = ", ".join(columns)
    db.session.execute(sa.text(
        "WITH RECURSIVE copies(copy) AS "
        "(SELECT 1 UNION ALL SELECT copy + 1 FROM copies WHERE copy < :copies) "
        f"INSERT INTO initiatives ({listed}, lon, lat) "
        f"SELECT {listed}, lon + (copy % 40 - 20) * 0.9, lat + (copy / 40 % 10 - 5) * 0.9 "
        "FROM initiatives, copies"
    ).bindparams(copies=copies))
    db.session.execute(sa.text("ANALYZE"))


def test_bbox_query_plan_uses_the_spatial_index(app, seeded_points):
    # The first seed's 53 points, spread: the planner's choice depends on how many points
    # there are (the corpus v2 has 18, most of its entries cover whole territories).
    spread_copies(400)
    plan = explain(select_initiatives(parse_filters(MultiDict({"bbox": "-5,47,-1,49"}))))
    if db.engine.dialect.name == "postgresql":
        assert "ix_initiatives_geom" in plan, plan
    else:
        assert "VIRTUAL TABLE INDEX" in plan and "initiatives_rtree" in plan, plan


@pytest.mark.parametrize("bbox", ["1,2,3", "a,b,c,d", "10,0,5,1", "0,0,200,1", "nan,0,1,1"])
def test_malformed_bbox_is_refused(bbox):
    with pytest.raises(FilterError) as error:
        parse_filters(MultiDict({"bbox": bbox}))
    assert error.value.param == "bbox"


def test_unknown_kind_is_refused():
    with pytest.raises(FilterError, match="unknown kind"):
        parse_filters(MultiDict({"kind": "spaceship"}))


def external_ids_in_boxes() -> dict[str, list[str]]:
    """The seed identifiers found in each test box, by the current app's database."""
    return {
        name: sorted(
            i.external_id
            for i in db.session.scalars(
                select_initiatives(parse_filters(MultiDict({"bbox": ",".join(map(str, box))})))
            )
        )
        for name, box in BOXES.items()
    }


def test_bbox_results_are_identical_on_sqlite_and_postgis(app, seeded, tmp_path):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("compares with PostGIS: run the suite with DATABASE_URL on PostgreSQL")
    from flask_migrate import upgrade

    from app.database import write_transaction
    from app.initiatives.seed import load_seed
    from tests.conftest import make_app

    on_postgis = external_ids_in_boxes()
    sqlite_app = make_app(f"sqlite:///{tmp_path / 'compare.db'}")
    with sqlite_app.app_context():
        upgrade()
        with write_transaction():
            load_seed(sqlite_app.config["SEED_PATH"])
        on_sqlite = external_ids_in_boxes()
        db.session.remove()
        db.engine.dispose()
    assert on_sqlite == on_postgis
    assert any(on_postgis.values())
