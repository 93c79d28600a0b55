"""Give initiatives a scope: a point (local) or a whole territory, with no point at all.

A national, régional, départemental or intercommunal entry carries its territory in the
existing columns (epci, departement, region) and NULL lon/lat, never an invented pin
(issue 15). Three CHECKs tie the scope to the point and to the territory columns.

On SQLite the table is not rebuilt: a rebuild drops the old table, whose implicit DELETE
runs the children's ON DELETE CASCADE (revisions, themes, sources...) under foreign_keys=ON,
and loses the R*Tree triggers and the generated sort columns. The column and its CHECKs are
added in place, and the NOT NULL of lon/lat is removed from the stored table definition, the
procedure SQLite documents for removing a NOT NULL constraint (ALTER TABLE, "making other
kinds of table schema changes": such a change does not touch the stored rows). The R*Tree
triggers are replaced so that a row without a point has no box (R*Tree stores NULL as 0,
which would put every national entry in the Gulf of Guinea).

On PostgreSQL the generated `geom` is NULL when lon/lat are (ST_MakePoint is strict), which
its GiST index accepts: only the NOT NULLs go.

Downgrading refuses while non-local entries exist: they have no point to go back to.

Revision ID: 27371f083d1a
Revises: a7f3c9e1d5b8
Create Date: 2026-12-05 23:00:00.000000

"""
import re

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '27371f083d1a'
down_revision = 'a7f3c9e1d5b8'
branch_labels = None
depends_on = None

# Frozen here: app.models.scope when written.
SCOPES = "'local', 'intercommunal', 'departemental', 'regional', 'national'"
CHECKS = {
    'ck_initiatives_scope': f"scope IN ({SCOPES})",
    'ck_initiatives_scope_point': (
        "(scope = 'local' AND lon IS NOT NULL AND lat IS NOT NULL) OR "
        "(scope <> 'local' AND lon IS NULL AND lat IS NULL AND insee IS NULL "
        "AND location_precision = 'territory')"),
    'ck_initiatives_scope_territory': (
        "(scope <> 'intercommunal' OR epci IS NOT NULL) AND "
        "(scope <> 'departemental' OR (departement IS NOT NULL AND epci IS NULL)) AND "
        "(scope <> 'regional' OR (region IS NOT NULL AND departement IS NULL AND epci IS NULL)) "
        "AND (scope <> 'national' OR (region IS NULL AND departement IS NULL AND epci IS NULL))"),
}
RTREE_TRIGGERS = {
    'insert': """
        CREATE TRIGGER initiatives_rtree_insert AFTER INSERT ON initiatives
        WHEN new.lon IS NOT NULL AND new.lat IS NOT NULL BEGIN
            INSERT INTO initiatives_rtree VALUES (new.id, new.lon, new.lon, new.lat, new.lat);
        END""",
    'update': """
        CREATE TRIGGER initiatives_rtree_update AFTER UPDATE OF lon, lat ON initiatives BEGIN
            DELETE FROM initiatives_rtree WHERE id = old.id;
            INSERT INTO initiatives_rtree SELECT new.id, new.lon, new.lon, new.lat, new.lat
            WHERE new.lon IS NOT NULL AND new.lat IS NOT NULL;
        END""",
}
OLD_RTREE_TRIGGERS = {
    'insert': """
        CREATE TRIGGER initiatives_rtree_insert AFTER INSERT ON initiatives BEGIN
            INSERT INTO initiatives_rtree VALUES (new.id, new.lon, new.lon, new.lat, new.lat);
        END""",
    'update': """
        CREATE TRIGGER initiatives_rtree_update AFTER UPDATE OF lon, lat ON initiatives BEGIN
            UPDATE initiatives_rtree
            SET min_lon = new.lon, max_lon = new.lon, min_lat = new.lat, max_lat = new.lat
            WHERE id = new.id;
        END""",
}


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.add_column('initiatives', sa.Column(
            'scope', sa.String(length=20), server_default='local', nullable=False))
        for name, rule in CHECKS.items():
            op.execute(f"ALTER TABLE initiatives ADD CONSTRAINT {name} CHECK ({rule})")
        op.alter_column('initiatives', 'lon', existing_type=sa.Float(), nullable=True)
        op.alter_column('initiatives', 'lat', existing_type=sa.Float(), nullable=True)
    else:
        checks = " ".join(f"CONSTRAINT {name} CHECK ({rule})" for name, rule in CHECKS.items())
        op.execute("ALTER TABLE initiatives ADD COLUMN scope VARCHAR(20) DEFAULT 'local' "
                   f"NOT NULL {checks}")
        set_point_nullable(True)
        replace_triggers(RTREE_TRIGGERS)
    op.create_index('ix_initiatives_scope', 'initiatives', ['scope'], unique=False)


def downgrade():
    bind = op.get_bind()
    if bind.scalar(sa.text("SELECT count(*) FROM initiatives WHERE scope <> 'local'")):
        raise RuntimeError("Non-local initiatives have no point to go back to: "
                           "give them one, or delete them, before downgrading.")
    op.drop_index('ix_initiatives_scope', table_name='initiatives')
    if bind.dialect.name == 'postgresql':
        op.alter_column('initiatives', 'lon', existing_type=sa.Float(), nullable=False)
        op.alter_column('initiatives', 'lat', existing_type=sa.Float(), nullable=False)
        for name in CHECKS:
            op.execute(f"ALTER TABLE initiatives DROP CONSTRAINT {name}")
        op.drop_column('initiatives', 'scope')
    else:
        replace_triggers(OLD_RTREE_TRIGGERS)
        set_point_nullable(False)
        # The column's own CHECKs go with it (SQLite 3.35+ drops it in place).
        op.execute("ALTER TABLE initiatives DROP COLUMN scope")


def replace_triggers(triggers: dict[str, str]) -> None:
    """Put these R*Tree triggers in place of the current ones."""
    for event, sql in triggers.items():
        op.execute(f"DROP TRIGGER initiatives_rtree_{event}")
        op.execute(sql)


def set_point_nullable(nullable: bool) -> None:
    """Remove (or put back) the NOT NULL of lon and lat in SQLite's stored table definition.

    The documented procedure for a change that leaves the stored rows as they are, in the
    migration's transaction: edit sqlite_schema, bump the schema version so that every
    connection reads the definition again, then check the file.
    """
    bind = op.get_bind()
    sql = bind.scalar(sa.text(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'initiatives'"))
    after = "" if nullable else " NOT NULL"
    changed = sql
    for column in ('lon', 'lat'):
        pattern = rf"(\b{column} FLOAT)( NOT NULL)?(?=\s*,)"
        changed, count = re.subn(pattern, rf"\1{after}", changed, count=1)
        if count != 1:
            raise RuntimeError(f"column {column} not found in the table definition")
    if changed == sql:
        return
    version = bind.scalar(sa.text("PRAGMA schema_version"))
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.execute(sa.text("UPDATE sqlite_master SET sql = :sql "
                         "WHERE type = 'table' AND name = 'initiatives'"), {"sql": changed})
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    problems = bind.scalars(sa.text("PRAGMA integrity_check")).all()
    if problems != ["ok"]:
        raise RuntimeError(f"integrity check failed: {problems}")
