"""Keyset pagination: pages that start after (or end before) a row's sort keys, not at an
offset, so page 50,000 costs what page 1 does.

A page link carries an opaque cursor: the keys of the row it starts from, the way it walks
(forward, backward, or the last page) and the rank of its first row (for the numbering).
The keys always end with a unique column (the id), so the order has no ties and every row
is on exactly one page.
"""

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _

from app.extensions import db

AFTER, BEFORE, LAST = "a", "b", "z"
CURSOR_PARAM = "cursor"  # the query parameter of page links


class BadCursor(ValueError):
    """A cursor this code did not write, or wrote for another order."""


@dataclass(frozen=True)
class Cursor:
    order: str  # the sort it was written for
    direction: str  # AFTER, BEFORE or LAST
    rank: int  # the rank (from 1) of the first row of the page it leads to
    keys: tuple = ()  # the sort keys of the row the page starts after or ends before

    def encode(self) -> str:
        """The cursor as a short URL-safe token."""
        keys = [key.isoformat() if isinstance(key, datetime) else key for key in self.keys]
        raw = json.dumps([self.order, self.direction, self.rank, keys], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(token: str, order: str, parsers: Sequence[Callable]) -> Cursor:
    """Read a cursor of this order; `parsers` turn each stored key back into its value."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        found, direction, rank, keys = json.loads(raw)
        valid = (found == order and direction in (AFTER, BEFORE, LAST)
                 and isinstance(rank, int) and rank >= 1 and isinstance(keys, list)
                 and len(keys) == (0 if direction == LAST else len(parsers)))
        if not valid:
            raise BadCursor(token)
        values = tuple(parse(key) for parse, key in zip(parsers, keys, strict=False))
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError) as error:
        raise BadCursor(token) from error
    return Cursor(order, direction, rank, values)


def requested(args, order: str, parsers: Sequence[Callable],
              param: str = CURSOR_PARAM) -> Cursor | None:
    """The cursor of the request's page link, if any; a 400 page saying how to go on when it
    is not one of ours (cut short by a mail client, edited by hand, an older format).

    `param` names the query parameter: a page listing several sections pages each with its
    own, so that paging one leaves the others where they are."""
    token = args.get(param)
    if not token:
        return None
    try:
        return decode(token, order, parsers)
    except BadCursor:
        abort(400, _("Ce lien de page n'est pas valide (il a peut-être été tronqué). "
                     "Reprenez la liste à sa première page."))


def text_key(value) -> str:
    if not isinstance(value, str):
        raise BadCursor(value)
    return value


def int_key(value) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadCursor(value)
    return value


def time_key(value) -> datetime:
    return datetime.fromisoformat(text_key(value))


@dataclass(frozen=True)
class Order:
    """A page order: columns ending with a unique one, all ascending or all descending."""

    code: str
    columns: tuple[sa.ColumnElement, ...]
    parsers: tuple[Callable, ...]
    descending: bool = False

    def walk(self, backward: bool) -> list[sa.ColumnElement]:
        """ORDER BY for reading forward, or backward from the end."""
        down = self.descending != backward
        return [column.desc() if down else column.asc() for column in self.columns]

    def beyond(self, keys: tuple, backward: bool) -> sa.ColumnElement[bool]:
        """The rows after these keys in the reading direction (a row-value comparison the
        database answers from an index on the same columns)."""
        row, other = sa.tuple_(*self.columns), sa.tuple_(*keys)
        return row < other if self.descending != backward else row > other


@dataclass(frozen=True)
class Window:
    """The keys of one page's rows, in order, and where its links lead."""

    keys: list[tuple]
    rank: int  # of the first row
    has_previous: bool
    has_next: bool

    def next_cursor(self, order: Order) -> Cursor | None:
        if not self.has_next or not self.keys:
            return None
        return Cursor(order.code, AFTER, self.rank + len(self.keys), tuple(self.keys[-1]))

    def previous_cursor(self, order: Order, size: int) -> Cursor | None:
        if not self.has_previous or not self.keys:
            return None
        return Cursor(order.code, BEFORE, max(1, self.rank - size), tuple(self.keys[0]))


def window(stmt: sa.Select, order: Order, cursor: Cursor | None, size: int,
           total: int) -> Window:
    """The page of `stmt`'s rows the cursor leads to (the first page without one)."""
    keyed = stmt.with_only_columns(*order.columns).order_by(None)
    if cursor is None:
        return forward(keyed, order, (), 1, size, first=True)
    if cursor.direction == AFTER:
        return forward(keyed, order, cursor.keys, cursor.rank, size, first=False)
    if cursor.direction == LAST:
        rows = read(keyed, order, (), size, backward=True)[::-1]
        rank = max(1, total - len(rows) + 1)
        return Window(rows, rank, rank > 1, False)
    rows = read(keyed, order, cursor.keys, size + 1, backward=True)
    if len(rows) <= size:  # back at the start: show the first page, full
        return forward(keyed, order, (), 1, size, first=True)
    return Window(rows[:size][::-1], max(2, cursor.rank), True, True)


def forward(keyed: sa.Select, order: Order, keys: tuple, rank: int, size: int,
            first: bool) -> Window:
    rows = read(keyed, order, keys, size + 1, backward=False)
    return Window(rows[:size], 1 if first else max(2, rank), not first, len(rows) > size)


def read(keyed: sa.Select, order: Order, keys: tuple, limit: int,
         backward: bool) -> list[tuple]:
    stmt = page_statement(keyed, order, keys, limit, backward)
    return [tuple(row) for row in db.session.execute(stmt)]


def page_statement(stmt: sa.Select, order: Order, keys: tuple, limit: int,
                   backward: bool = False) -> sa.Select:
    """The keys of the `limit` rows of `stmt` beyond `keys` (from the start without)."""
    keyed = stmt.with_only_columns(*order.columns).order_by(None)
    if keys:
        keyed = keyed.where(order.beyond(keys, backward))
    return keyed.order_by(*order.walk(backward)).limit(limit)


@dataclass(frozen=True)
class Page:
    """What a paged list shows: its rows, their numbering and the tokens of its links."""

    items: list
    total: int
    per_page: int
    rank: int = 1  # of the first row
    previous: str | None = None  # cursor tokens; the first page has none
    next: str | None = None
    last: str | None = None
    distances: dict = None  # metres from the `near` point, by id (the list only)

    @property
    def page(self) -> int:
        """The page number, counting pages of per_page rows before this one."""
        return (self.rank - 1) // self.per_page + 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def end(self) -> int:
        """The rank of the last row shown."""
        return self.rank + len(self.items) - 1


def paged(items: list, total: int, size: int, order: Order, found: Window, **extra) -> Page:
    """The page of these rows (those of `found`'s keys), with its links' cursors."""
    previous, following = found.previous_cursor(order, size), found.next_cursor(order)
    return Page(items, total, size, found.rank,
                previous=previous.encode() if previous else None,
                next=following.encode() if following else None,
                last=Cursor(order.code, LAST, 1).encode() if following else None, **extra)
