"""The data version: a stamp that changes with every write the public data depends on.

Triggers (migration d7e3b9a5c2f8) bump a counter in the transaction of every write to the
tables the map and the API read: the initiatives, their themes, partners and dossiers, the
themes, the actors and the dossiers, whatever wrote them (a form, moderation, an import, a
harvest, the CLI, a bulk load in SQL). On PostgreSQL a transaction bumps once, statement
triggers, on one of SLOTS rows chosen by its id, so concurrent writers seldom wait for each
other; SQLite writes one transaction at a time and bumps row 0 per written row.

A row of its own (slot -1) holds a random number drawn when the table was made: two
databases (a test's, a benchmark's at another scale) never share a version, so the page
files kept on disk under a version never serve another database's tiles.

The version is read in one query over SLOTS rows, whatever the collection's size: a map
tile's ETag costs that instead of an aggregate over the tile's rows. It is read before the
data it stamps, so a body kept under a version is never older than that version.

A SQLite batch migration that rebuilds one of these tables drops its triggers: it must
create them again (tests/test_data_versions.py checks every write at the head).
"""

import secrets

import sqlalchemy as sa

from app.database import single_read
from app.extensions import db

SLOTS = 8
EPOCH_SLOT = -1
WATCHED = ("initiatives", "initiative_themes", "themes", "actors", "initiative_partners",
           "dossiers", "dossier_initiatives")
data_versions = sa.table("data_versions", sa.column("slot"), sa.column("version"))
READ = sa.select(data_versions.c.version).order_by(data_versions.c.slot)


def data_version() -> str:
    """The current version of the public data, as text: the epoch, then each slot's count."""
    with single_read() as connection:
        return ".".join(str(version) for version in connection.scalars(READ))


def draw_epoch() -> None:
    """Give the database a new epoch: after a restore its versions would go again through
    numbers the replaced data had, whose tiles may be kept in the page files."""
    with db.engine.begin() as connection:
        if sa.inspect(connection).has_table("data_versions"):
            connection.execute(data_versions.update()
                               .where(data_versions.c.slot == EPOCH_SLOT)
                               .values(version=secrets.randbits(62)))
