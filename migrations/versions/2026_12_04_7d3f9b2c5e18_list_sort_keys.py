"""Short sort keys for the public list, computed by the database, and their indexes.

The list sorted by name ordered on search_text (the folded name, summary, description...):
every page sorted the matching rows' long text, 3 s for page 2000 at 100,000 initiatives.
`sort_name` is its first characters and `commune_sort` the commune's sort key (accented
capitals unaccented, lower case, no commune last): short enough to index, and a prefix, so
ordering by them first and by search_text and id within equal keys gives the same order
(app.public.services walks the indexes, then sorts only the page's tied rows).

Generated columns: the database computes them on every write, whatever the path (the ORM,
a bulk load, COPY, plain SQL); the model does not map them (like `geom`). SQLite adds them
VIRTUAL without rebuilding the table (its triggers stay), its indexes store the values;
PostgreSQL stores them.

Two more indexes answer the territory pages' counts (per département of France or of a
région, per commune of a département) without visiting the rows.

Revision ID: 7d3f9b2c5e18
Revises: e5d2a1c9f3b7
Create Date: 2026-12-04 20:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '7d3f9b2c5e18'
down_revision = 'e5d2a1c9f3b7'
branch_labels = None
depends_on = None

SORT_NAME_LENGTH = 64
# Frozen here: the same replacements as app.public.services.ACCENTED_CAPITALS when written.
ACCENTED_CAPITALS = (("É", "E"), ("È", "E"), ("Ê", "E"), ("Î", "I"), ("Ô", "O"), ("Œ", "OE"),
                     ("Â", "A"))
# In each order, with the status and the kind: the default view and the kind filter
# walk the index alone.
INDEXES = {
    'ix_initiatives_sort_name': ['sort_name', 'id', 'status', 'kind'],
    'ix_initiatives_sort_commune': ['commune_sort', 'sort_name', 'id', 'status', 'kind'],
    'ix_initiatives_sort_updated': ['updated_at', 'id', 'status', 'kind'],
    # The territory pages' counts per département and per commune, from the index alone.
    'ix_initiatives_departement_counts': ['departement', 'insee', 'status'],
    'ix_initiatives_region_counts': ['region', 'departement', 'status'],
}


def commune_sort_sql() -> str:
    """'0' then the commune's sortable name, or '1' without a commune (sorted last)."""
    expression = "commune_name"
    for accented, plain in ACCENTED_CAPITALS:
        expression = f"replace({expression}, '{accented}', '{plain}')"
    return f"CASE WHEN commune_name IS NULL THEN '1' ELSE '0' || lower({expression}) END"


def upgrade():
    # Stored on PostgreSQL, which indexes no virtual column (the default from version 18);
    # virtual on SQLite, which adds no stored column without rebuilding the table.
    stored = True if op.get_bind().dialect.name == 'postgresql' else None
    op.add_column('initiatives', sa.Column('sort_name', sa.Text(), sa.Computed(
        f"substr(search_text, 1, {SORT_NAME_LENGTH})", persisted=stored)))
    op.add_column('initiatives', sa.Column('commune_sort', sa.Text(), sa.Computed(
        commune_sort_sql(), persisted=stored)))
    for name, columns in INDEXES.items():
        op.create_index(name, 'initiatives', columns, unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ANALYZE initiatives")
    else:
        op.execute("ANALYZE")


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name='initiatives')
    # A plain DROP COLUMN on both (SQLite 3.35+ drops a generated column in place).
    op.execute("ALTER TABLE initiatives DROP COLUMN commune_sort")
    op.execute("ALTER TABLE initiatives DROP COLUMN sort_name")
