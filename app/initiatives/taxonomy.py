"""The default taxonomy: the two-level category tree of geodata/categories.json."""

import functools
from dataclasses import dataclass
from pathlib import Path

import orjson
import sqlalchemy as sa

from app.extensions import db
from app.models import Theme

CATEGORIES_FILE = Path(__file__).resolve().parents[2] / "geodata" / "categories.json"
# Positions leave room between top categories: a child sorts right after its parent.
TOP_STEP = 100


@dataclass(frozen=True)
class DefaultCategory:
    slug: str
    label_fr: str
    label_en: str
    colour: str
    icon: str
    data_inclusion: str | None
    position: int
    parent: str | None


@functools.cache
def default_categories() -> tuple[DefaultCategory, ...]:
    """The tree of categories.json, tops before their children, children sharing the colour
    and icon of their top."""
    tree = orjson.loads(CATEGORIES_FILE.read_bytes())["categories"]
    found = []
    for rank, top in enumerate(tree, start=1):
        colour, icon = top["colour"], top["icon"]
        found.append(category(top, colour, icon, rank * TOP_STEP, None))
        found += [category(child, colour, icon, rank * TOP_STEP + index, top["slug"])
                  for index, child in enumerate(top["children"], start=1)]
    return tuple(found)


def category(entry: dict, colour: str, icon: str, position: int,
             parent: str | None) -> DefaultCategory:
    return DefaultCategory(entry["slug"], entry["label_fr"], entry["label_en"], colour, icon,
                           entry.get("data_inclusion"), position, parent)


def ensure_default_themes() -> int:
    """Add the default categories that are missing (admins may have edited the others)."""
    by_slug = {theme.slug: theme for theme in db.session.scalars(sa.select(Theme))}
    added = 0
    for default in default_categories():
        if default.slug in by_slug:
            continue
        theme = Theme(slug=default.slug, label_fr=default.label_fr, label_en=default.label_en,
                      colour=default.colour, icon=default.icon, position=default.position,
                      data_inclusion=default.data_inclusion,
                      parent=by_slug.get(default.parent) if default.parent else None)
        db.session.add(theme)
        by_slug[default.slug] = theme
        added += 1
    db.session.flush()
    return added


def tree_order(themes: list[Theme]) -> list[Theme]:
    """Top categories by position, each followed by its children by position."""
    def key(theme: Theme) -> tuple:
        top = theme.top
        return (top.position, top.id, theme.parent_id is not None, theme.position, theme.id)
    return sorted(themes, key=key)


def all_themes() -> list[Theme]:
    """Every theme, in the tree's order."""
    return tree_order(list(db.session.scalars(sa.select(Theme))))
