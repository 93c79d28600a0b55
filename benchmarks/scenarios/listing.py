"""Scenario 8: the list pages at size (keyset cursors), and the disk the database takes.

List: the first page of `/initiatives` in each order, the pages after it following
"Page suivante", a page in the middle of the collection (its cursor made from the keys of
the row there) and the last page. Floor: the first page; a deep page should cost what it
does (target ≤ 2×). Moderation queue: the generated data are all published, so the run puts
a share of them in the queue (1 % of the scale, at least three pages' worth), signs in as an
admin through the login form, times the queue's first page, a page in the middle of its
proposals (cursor of the row there) and its last page, then publishes them again. Floor: the
queue's first page; target ≤ 2×. Disk: PostgreSQL's pg_database_size, pg_total_relation_size and
pg_indexes_size of `initiatives`; SQLite's file size and, where SQLite has dbstat, the
bytes of the initiatives table and of its indexes.
"""

import re
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import sqlalchemy as sa

from benchmarks.client import get
from benchmarks.context import Context
from benchmarks.figures import Target, median
from benchmarks.moderator import set_pending, signed_in_cookie

NAME = "list pages"
QUEUE = "moderation queue"
QUEUE_PATH = "/moderation/"
DISK = "disk"
PATH = "/initiatives"
FOLLOWED = 5  # "next" pages followed from the first
NEXT_LINK = re.compile(r'<a href="([^"]+)" rel="next">')


def timed(ctx: Context, path: str, headers: dict | None = None) -> tuple[float, str]:
    """Median seconds of the repeats (after a warm-up of each of the two workers), and the
    page's HTML."""
    answer = get(ctx.base_url, path, headers)
    get(ctx.base_url, path, headers)
    if answer.status != 200:
        raise RuntimeError(f"{path} answered {answer.status}")
    times = [get(ctx.base_url, path, headers).seconds for _ in range(ctx.settings.repeats)]
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


def queue_cursors(ctx: Context) -> tuple[int, str, str]:
    """How many proposals wait, the cursor of the queue's page after the one in the middle,
    and the cursor of its last page."""
    from app.extensions import db
    from app.models import User
    from app.moderation import services
    from app.web import keyset

    section = services.SECTIONS[0]
    with ctx.app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.role == "admin").limit(1))
        conditions = services.initiative_conditions(admin, services.QueueFilters())
        stmt = services.waiting(section, conditions, datetime.now(UTC))
        total = db.session.scalar(stmt.with_only_columns(sa.func.count(),
                                                           maintain_column_froms=True))
        keys = tuple(db.session.execute(keyset.page_statement(stmt, section.order, (), 1)
                                        .offset(total // 2)).one())
    middle = keyset.Cursor(section.order.code, keyset.AFTER, total // 2 + 2, keys)
    last = keyset.Cursor(section.order.code, keyset.LAST, 1)
    return total, middle.encode(), last.encode()


def measure_queue(ctx: Context) -> None:
    from app.moderation.services import QUEUE_PAGE

    if not ctx.available(QUEUE, QUEUE_PATH):
        return
    wanted = min(ctx.scale, max(ctx.scale // 100, 3 * QUEUE_PAGE))
    set_pending(ctx, wanted, pending=True)
    try:
        cookie = {"Cookie": signed_in_cookie(ctx)}
        total, middle, last = queue_cursors(ctx)
        first_s, _html = timed(ctx, QUEUE_PATH, cookie)
        middle_s, _html = timed(ctx, f"{QUEUE_PATH}?proposals={middle}", cookie)
        last_s, _html = timed(ctx, f"{QUEUE_PATH}?proposals={last}", cookie)
    finally:
        set_pending(ctx, wanted, pending=False)
    target = Target("ratio", 2, text="≤ 2× the first page")
    note = f"{total:,} proposals waiting, {QUEUE_PAGE} a page, signed in as an admin"
    ctx.add(QUEUE, "first page", first_s * 1000, "ms", note=note)
    for label, seconds in ((f"page in the middle ({total // 2:,} rows in)", middle_s),
                           ("last page", last_s)):
        ctx.add(QUEUE, label, seconds * 1000, "ms", floor=first_s * 1000,
                floor_label="first page", target=target, note=note)


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
    measure_queue(ctx)
    measure_disk(ctx)
