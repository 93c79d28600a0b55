"""Add the kind "organisation": a team, network, collective or body is not a place (issue 15).

A "place" is a physical place people go to. The seed corpus filed teams and networks as
places; they now have their own kind.

On SQLite a CHECK constraint lives in the table's CREATE statement. Rebuilding the table in
batch mode would drop it while the foreign keys are on (cascading to its sources, themes and
tags) and lose its R-tree triggers, generated columns and expression index; the constraint is
instead rewritten in place, the procedure SQLite documents for loosening a CHECK constraint
(https://sqlite.org/lang_altertable.html#otheralter). Downgrading files the organisations
back as places, as the first seed did, before narrowing the constraint again.

Revision ID: c7e2a4f9d1b3
Revises: b7d2e6a1c9f4
Create Date: 2026-12-05 23:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c7e2a4f9d1b3'
down_revision = 'b7d2e6a1c9f4'
branch_labels = None
depends_on = None

OLD_KINDS = ("initiative", "field_site", "place", "resource")
NEW_KINDS = (*OLD_KINDS, "organisation")


def kind_check(kinds):
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def upgrade():
    replace_kind_check(OLD_KINDS, NEW_KINDS)


def downgrade():
    op.execute("UPDATE initiatives SET kind = 'place' WHERE kind = 'organisation'")
    replace_kind_check(NEW_KINDS, OLD_KINDS)


def replace_kind_check(old, new):
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("ck_initiatives_kind"), "initiatives", type_="check")
        op.create_check_constraint(op.f("ck_initiatives_kind"), "initiatives", kind_check(new))
        return
    bind = op.get_bind()
    table_sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'initiatives'").scalar()
    if kind_check(old) not in table_sql:
        raise RuntimeError("initiatives: the kind constraint is not the expected one")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.execute(sa.text("UPDATE sqlite_master SET sql = :sql "
                         "WHERE type = 'table' AND name = 'initiatives'"),
                 {"sql": table_sql.replace(kind_check(old), kind_check(new))})
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
