"""Scenario 8: the list pages at size (keyset cursors), and the disk the database takes.

List: the first page of `/initiatives` in each order, the pages after it following
"Page suivante", a page in the middle of the collection (its cursor made from the keys of
the row there) and the last page. Floor: the first page; a deep page should cost what it
does (target ≤ 2×). Disk: PostgreSQL's pg_database_size, pg_total_relation_size and
pg_indexes_size of `initiatives`; SQLite's file size and, where SQLite has dbstat, the
bytes of the initiatives table and of its indexes.
"""

import re
from html import unescape
from pathlib import Path

import sqlalchemy as sa

from benchmarks.client import get
from benchmarks.context import Context
from benchmarks.figures import Target, median

NAME = "list pages"
DISK = "disk"
PATH = "/initiatives"
FOLLOWED = 5  # "next" pages followed from the first
NEXT_LINK = re.compile(r'<a href="([^"]+)" rel="next">')


def timed(ctx: Context, path: str) -> tuple[float, str]:
    """Median seconds of the repeats (after a warm-up of each of the two workers), and the
    page's HTML."""
    answer = get(ctx.base_url, path)
    get(ctx.base_url, path)
    if answer.status != 200:
        raise RuntimeError(f"{path} answered {answer.status}")
    times = [get(ctx.base_url, path).seconds for _ in range(ctx.settings.repeats)]
    return median(times), answer.body.decode()


def middle_cursor(ctx: Context, sort: str) -> str:
    """The cursor of the page after the row in the middle of the list in this order."""
    from app.filters import Filters
    from app.geo.spatial import select_initiatives
    from app.public.services import LIST_ORDERS
    from app.web import keyset

    order = LIST_ORDERS[sort]
    with ctx.app.app_context():
        from app.extensions import db

        stmt = keyset.page_statement(select_initiatives(Filters()), order, (), 1)
        keys = tuple(db.session.execute(stmt.offset(ctx.scale // 2)).one())
    return keyset.Cursor(sort, keyset.AFTER, ctx.scale // 2 + 2, keys).encode()


def measure_list(ctx: Context) -> None:
    for sort in ("name", "commune", "updated"):
        first_s, html = timed(ctx, f"{PATH}?sort={sort}")
        followed = []
        for _ in range(FOLLOWED):
            found = NEXT_LINK.search(html)
            if not found:
                break
            seconds, html = timed(ctx, unescape(found.group(1)))
            followed.append(seconds)
        middle_s, _html = timed(ctx, f"{PATH}?sort={sort}&cursor={middle_cursor(ctx, sort)}")
        target = Target("ratio", 2, text="≤ 2× the first page")
        label = f"sort={sort}"
        ctx.add(NAME, f"{label}: first page", first_s * 1000, "ms")
        if followed:
            ctx.add(NAME, f"{label}: next pages (median of {len(followed)})",
                    median(followed) * 1000, "ms", floor=first_s * 1000,
                    floor_label="first page", target=target)
        ctx.add(NAME, f"{label}: page in the middle ({ctx.scale // 2:,} rows in)",
                middle_s * 1000, "ms", floor=first_s * 1000, floor_label="first page",
                target=target)


def measure_disk(ctx: Context) -> None:
    with ctx.app.app_context():
        from app.extensions import db

        with db.engine.connect() as connection:
            sizes = (postgres_sizes(connection) if ctx.database.dialect == "postgresql"
                     else sqlite_sizes(connection, ctx.database.url))
    for label, size in sizes.items():
        ctx.add(DISK, label, size, "B",
                note=f"{size / ctx.scale:,.0f} bytes per initiative" if size else "")


def postgres_sizes(connection: sa.Connection) -> dict[str, int]:
    row = connection.execute(sa.text(
        "SELECT pg_database_size(current_database()), pg_total_relation_size('initiatives'), "
        "pg_indexes_size('initiatives')")).one()
    return {"database": row[0], "initiatives with indexes and TOAST": row[1],
            "indexes of initiatives": row[2]}


def sqlite_sizes(connection: sa.Connection, url: str) -> dict[str, int]:
    # Written back from the WAL first: the file alone would leave out the latest pages.
    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(url.removeprefix("sqlite:///"))
    found = {"database file": path.stat().st_size}
    try:
        rows = connection.execute(sa.text(
            "SELECT s.name, m.type, sum(s.pgsize) FROM dbstat s JOIN sqlite_master m "
            "ON m.name = s.name WHERE m.tbl_name = 'initiatives' GROUP BY s.name")).all()
    except sa.exc.OperationalError:  # SQLite built without dbstat
        return found
    found["initiatives table"] = sum(size for _name, kind, size in rows if kind == "table")
    found["indexes of initiatives"] = sum(size for _name, kind, size in rows if kind == "index")
    return found


def measure(ctx: Context) -> None:
    measure_list(ctx)
    measure_disk(ctx)
