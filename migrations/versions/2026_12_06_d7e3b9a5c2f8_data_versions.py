"""A data version bumped by triggers on every write the public data depends on.

The map's tiles take their ETag from it: one read of a few rows instead of an aggregate
over every row of the tile (app.initiatives.data_versions).

Revision ID: d7e3b9a5c2f8
Revises: d5b1e8f3a2c7
Create Date: 2026-12-06 06:00:00.000000

"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd7e3b9a5c2f8'
down_revision = 'd5b1e8f3a2c7'
branch_labels = None
depends_on = None

# app.initiatives.data_versions.SLOTS and WATCHED, as they were when this ran.
SLOTS = 8
EPOCH_SLOT = -1  # never bumped: this database's random epoch, told from any other's
WATCHED = ('initiatives', 'initiative_themes', 'themes', 'actors', 'initiative_partners',
           'dossiers', 'dossier_initiatives')
# Once per transaction, on the slot of its transaction id: concurrent writers seldom wait
# for one another's row, and a bulk write of a million rows bumps once.
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION maillage_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('maillage.data_version_bumped', true) IS DISTINCT FROM 'on' THEN
        UPDATE data_versions SET version = version + 1
        WHERE slot = (txid_current() % %(slots)s)::integer;
        PERFORM set_config('maillage.data_version_bumped', 'on', true);
    END IF;
    RETURN NULL;
END $$"""


def upgrade():
    op.create_table(
        'data_versions',
        sa.Column('slot', sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column('version', sa.BigInteger(), nullable=False, server_default='0'),
    )
    op.bulk_insert(sa.table('data_versions', sa.column('slot'), sa.column('version')),
                   [{'slot': EPOCH_SLOT, 'version': secrets.randbits(62)}]
                   + [{'slot': slot, 'version': 0} for slot in range(SLOTS)])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(PG_FUNCTION.replace('%(slots)s', str(SLOTS)))
        for table in WATCHED:
            op.execute(f"CREATE TRIGGER {table}_data_version AFTER INSERT OR UPDATE OR DELETE "
                       f"OR TRUNCATE ON {table} FOR EACH STATEMENT "
                       "EXECUTE FUNCTION maillage_bump_data_version()")
        return
    # SQLite writes one transaction at a time and has no statement triggers: per row, slot 0.
    for table in WATCHED:
        for event in ('insert', 'update', 'delete'):
            op.execute(f"CREATE TRIGGER {table}_data_version_{event} AFTER {event.upper()} "
                       f"ON {table} BEGIN UPDATE data_versions SET version = version + 1 "
                       "WHERE slot = 0; END")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_data_version ON {table}")
        op.execute("DROP FUNCTION IF EXISTS maillage_bump_data_version()")
    else:
        for table in WATCHED:
            for event in ('insert', 'update', 'delete'):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_data_version_{event}")
    op.drop_table('data_versions')
