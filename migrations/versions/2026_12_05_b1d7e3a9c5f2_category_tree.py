"""Grow the themes into a two-level category tree and move entries to it (issue 15).

The seven themes were the 2020 round tables' session titles, which no citizen looks for.
Themes gain a parent (a child's parent is a top category) and the data·inclusion thématique
they match; the tree of geodata/categories.json is created (on a database that has themes
already: a new one gets it from `flask seed`), each entry of a session theme moves to the
category that says the same thing, and the seven themes go (their sessions come back as
dossiers). Themes an admin added stay, as top categories. The stored features are built
again: they list the new slugs.

Downgrading brings the seven themes back and moves the entries of the seven matching
categories to them; the rest of the tree goes.

Revision ID: b1d7e3a9c5f2
Revises: f2a9c6e1d3b7
Create Date: 2026-12-05 20:00:00.000000

"""
import json
from pathlib import Path

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b1d7e3a9c5f2'
down_revision = 'f2a9c6e1d3b7'
branch_labels = None
depends_on = None

CATEGORIES = Path(__file__).resolve().parents[2] / "geodata" / "categories.json"
# session theme -> the category its entries move to
MOVES = {
    "crisis-management": "gestion-de-crise",
    "territory-proximity": "continuite-service-public",
    "organisations-uncertainty": "innovation-publique",
    "inequality-inclusion": "acces-aux-droits",
    "territorial-democracy": "participation-citoyenne",
    "crisis-management-practice": "management-agents",
    "learning-from-crisis": "retours-experience",
}
# The seven themes as they were, for the downgrade: slug, labels, colour, icon.
SESSION_THEMES = (
    ("crisis-management", "Gestion de crise", "Crisis management", "#B3261E", "siren"),
    ("territory-proximity", "Territoire, lieux, services et proximité",
     "Territory, places, services and proximity", "#1B6E3A", "map-pin"),
    ("organisations-uncertainty", "Organisations publiques face à l'incertitude",
     "Public organisations facing uncertainty", "#5B3C88", "compass"),
    ("inequality-inclusion", "Inégalités, inclusion et pouvoir d'agir",
     "Inequality, inclusion and empowerment", "#9A4A00", "hands"),
    ("territorial-democracy", "Organisation territoriale et démocratie",
     "Territorial organisation and democracy", "#0B5CAD", "landmark"),
    ("crisis-management-practice", "Le management en temps de crise",
     "Management in times of crisis", "#6B4E16", "users"),
    ("learning-from-crisis", "Apprendre de la crise", "Learning from the crisis", "#00696E",
     "book"),
)
TOP_STEP = 100

themes = sa.table("themes", sa.column("id", sa.Integer), sa.column("slug", sa.String),
                  sa.column("label_fr", sa.String), sa.column("label_en", sa.String),
                  sa.column("colour", sa.String), sa.column("icon", sa.String),
                  sa.column("position", sa.Integer), sa.column("parent_id", sa.Integer),
                  sa.column("data_inclusion", sa.String))
links = sa.table("initiative_themes", sa.column("initiative_id", sa.Integer),
                 sa.column("theme_id", sa.Integer))


def upgrade():
    add_parent_column()
    op.add_column('themes', sa.Column('data_inclusion', sa.String(length=80), nullable=True))
    op.create_index(op.f('ix_themes_parent_id'), 'themes', ['parent_id'])
    bind = op.get_bind()
    if bind.scalar(sa.select(sa.func.count()).select_from(themes)):
        ids = create_tree(bind)
        moved = move_links(bind, {old: ids[new] for old, new in MOVES.items()})
        bind.execute(themes.delete().where(themes.c.slug.in_(list(MOVES))))
        refresh(bind, moved)


def add_parent_column() -> None:
    """Add parent_id with its foreign key; on SQLite in the column's own definition, as
    rebuilding the table would delete its links (ON DELETE CASCADE)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE themes ADD COLUMN parent_id INTEGER "
                   "CONSTRAINT fk_themes_parent_id_themes REFERENCES themes (id)")
        return
    op.add_column('themes', sa.Column('parent_id', sa.Integer(), nullable=True))
    op.create_foreign_key(op.f('fk_themes_parent_id_themes'), 'themes', 'themes',
                          ['parent_id'], ['id'])


def slug_ids(bind) -> dict[str, int]:
    return dict(bind.execute(sa.select(themes.c.slug, themes.c.id)).all())


def create_tree(bind) -> dict[str, int]:
    """Add the categories of categories.json (a slug already there keeps its labels)."""
    tree = json.loads(CATEGORIES.read_text(encoding="utf-8"))["categories"]
    for rank, top in enumerate(tree, start=1):
        style = {"colour": top["colour"], "icon": top["icon"]}
        parent_id = put(bind, top, rank * TOP_STEP, None, style)
        for index, child in enumerate(top["children"], start=1):
            put(bind, child, rank * TOP_STEP + index, parent_id, style)
    return slug_ids(bind)


def put(bind, entry: dict, position: int, parent_id: int | None, style: dict) -> int:
    """Insert one category, or place the theme that has its slug already; return its id."""
    found = bind.scalar(sa.select(themes.c.id).where(themes.c.slug == entry["slug"]))
    values = {"parent_id": parent_id, "data_inclusion": entry.get("data_inclusion")}
    if found is not None:
        bind.execute(themes.update().where(themes.c.id == found).values(**values))
        return found
    return bind.execute(themes.insert().values(
        slug=entry["slug"], label_fr=entry["label_fr"], label_en=entry["label_en"],
        position=position, **style, **values).returning(themes.c.id)).scalar_one()


def move_links(bind, moves: dict[str, int]) -> set[int]:
    """Give the entries of each old theme its new one; drop the old links. The ids moved."""
    old_ids = slug_ids(bind)
    moved = set()
    for old, new_id in moves.items():
        if old not in old_ids:
            continue
        old_links = sa.select(links.c.initiative_id).where(links.c.theme_id == old_ids[old])
        entries = set(bind.scalars(old_links))
        already = set(bind.scalars(sa.select(links.c.initiative_id)
                                   .where(links.c.theme_id == new_id)))
        if entries - already:
            bind.execute(links.insert(), [{"initiative_id": entry, "theme_id": new_id}
                                          for entry in sorted(entries - already)])
        bind.execute(links.delete().where(links.c.theme_id == old_ids[old]))
        moved |= entries
    return moved


def refresh(bind, ids: set[int]) -> None:
    from app.initiatives.stored_features import refresh_features

    refresh_features(bind, ids)


def downgrade():
    bind = op.get_bind()
    tree = json.loads(CATEGORIES.read_text(encoding="utf-8"))["categories"]
    slugs = [top["slug"] for top in tree] + [c["slug"] for top in tree for c in top["children"]]
    moved = set()
    if bind.scalar(sa.select(sa.func.count()).select_from(themes)):
        for position, (slug, label_fr, label_en, colour, icon) in enumerate(SESSION_THEMES):
            put(bind, {"slug": slug, "label_fr": label_fr, "label_en": label_en}, position,
                None, {"colour": colour, "icon": icon})
        ids = slug_ids(bind)
        moved = move_links(bind, {new: ids[old] for old, new in MOVES.items()})
        tree_ids = sa.select(themes.c.id).where(themes.c.slug.in_(slugs))
        moved |= set(bind.scalars(sa.select(links.c.initiative_id)
                                  .where(links.c.theme_id.in_(tree_ids))))
        bind.execute(links.delete().where(links.c.theme_id.in_(tree_ids)))
        bind.execute(themes.update().values(parent_id=None))
        bind.execute(themes.delete().where(themes.c.slug.in_(slugs)))
    drop_columns(bind)
    refresh(bind, moved)


def drop_columns(bind) -> None:
    """Drop the tree's columns; on SQLite the table is rebuilt, and dropping the old one
    would delete its links (ON DELETE CASCADE): they are kept aside and put back."""
    op.drop_index(op.f('ix_themes_parent_id'), table_name='themes')
    op.execute("CREATE TABLE initiative_themes_kept AS SELECT * FROM initiative_themes")
    with op.batch_alter_table('themes') as batch_op:
        if bind.dialect.name == "postgresql":  # SQLite's rebuild leaves it with its column
            batch_op.drop_constraint(op.f('fk_themes_parent_id_themes'), type_='foreignkey')
        batch_op.drop_column('data_inclusion')
        batch_op.drop_column('parent_id')
    op.execute("INSERT INTO initiative_themes (initiative_id, theme_id) "
               "SELECT initiative_id, theme_id FROM initiative_themes_kept k WHERE NOT EXISTS "
               "(SELECT 1 FROM initiative_themes t WHERE t.initiative_id = k.initiative_id "
               "AND t.theme_id = k.theme_id)")
    op.execute("DROP TABLE initiative_themes_kept")
