"""Give initiatives actors: a lead actor and partners, each actor a record of its own.

Issue 16.1: an actor (organisation or collective) has a name, a type, official identifiers
(SIREN/SIRET, RNA), a website, a public contact, a home commune, a short description, and
its own page. The free-text `actor_name` of existing initiatives becomes actor records, one
per folded name and agreeing type (`app.text.fold`: "Mairie de Cluny" and "MAIRIE DE CLUNY"
are one actor; an unknown type agrees with any), published when one of their initiatives is
public; each initiative's `lead_actor_id` points to its record. `actor_name` and
`actor_type` stay on the initiative as the lead actor's copy.

The stored features of the initiatives whose copy changed are cleared: readers build them on
the fly until the next refresh, so they are never stale.

Revision ID: a4c7e2f9d1b3
Revises: f3a9c1e7d5b2
Create Date: 2026-12-05 23:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

from app.text import fold

# revision identifiers, used by Alembic.
revision = 'a4c7e2f9d1b3'
down_revision = 'f3a9c1e7d5b2'
branch_labels = None
depends_on = None

ACTOR_TYPES = ("commune", "intercommunality", "departement", "region", "state_service",
               "association", "citizen_collective", "company", "research",
               "public_establishment")
PUBLIC = ("published", "archived")

actors = sa.table('actors', sa.column('id'), sa.column('name'), sa.column('slug'),
                  sa.column('normalised_name'), sa.column('type'), sa.column('status'),
                  sa.column('description'), sa.column('created_at'),
                  sa.column('updated_at'))
initiatives = sa.table('initiatives', sa.column('id'), sa.column('actor_name'),
                       sa.column('actor_type'), sa.column('status'),
                       sa.column('lead_actor_id'), sa.column('public_feature'))


def quoted(values) -> str:
    return ", ".join(f"'{value}'" for value in values)


def upgrade():
    create_actors()
    create_links()
    add_lead_column()
    link_free_text_actors(op.get_bind())


def create_actors():
    op.create_table(
        'actors',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('slug', sa.String(length=80), nullable=False),
        sa.Column('normalised_name', sa.String(length=200), nullable=False),
        sa.Column('type', sa.String(length=30), nullable=True),
        sa.Column('siren', sa.String(length=9), nullable=True),
        sa.Column('siret', sa.String(length=14), nullable=True),
        sa.Column('rna', sa.String(length=10), nullable=True),
        sa.Column('website', sa.String(length=500), nullable=True),
        sa.Column('public_contact', sa.String(length=300), nullable=True),
        sa.Column('insee', sa.String(length=5), nullable=True),
        sa.Column('commune_name', sa.String(length=120), nullable=True),
        sa.Column('description', sa.String(length=600), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('merged_into_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint(f"status IN ({quoted(('pending', 'published'))})",
                           name=op.f('ck_actors_status')),
        sa.CheckConstraint(f"type IS NULL OR type IN ({quoted(ACTOR_TYPES)})",
                           name=op.f('ck_actors_type')),
        sa.ForeignKeyConstraint(['merged_into_id'], ['actors.id'],
                                name=op.f('fk_actors_merged_into_id_actors'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_actors')),
    )
    for column in ('normalised_name', 'type', 'siren', 'rna', 'status', 'merged_into_id'):
        op.create_index(op.f(f'ix_actors_{column}'), 'actors', [column])


def create_links():
    op.create_table(
        'initiative_partners',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('initiative_id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=200), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['actors.id'],
                                name=op.f('fk_initiative_partners_actor_id_actors'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['initiative_id'], ['initiatives.id'],
                                name=op.f('fk_initiative_partners_initiative_id_initiatives'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_initiative_partners')),
        sa.UniqueConstraint('initiative_id', 'actor_id',
                            name=op.f('uq_initiative_partners_initiative_id')),
    )
    op.create_index('ix_initiative_partners_initiative_id', 'initiative_partners',
                    ['initiative_id', 'position'])
    op.create_index(op.f('ix_initiative_partners_actor_id'), 'initiative_partners',
                    ['actor_id'])
    op.create_table(
        'actor_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('before', sa.JSON(), nullable=True),
        sa.Column('after', sa.JSON(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint(f"action IN ({quoted(('create', 'update', 'publish', 'merge'))})",
                           name=op.f('ck_actor_events_action')),
        sa.ForeignKeyConstraint(['actor_id'], ['actors.id'],
                                name=op.f('fk_actor_events_actor_id_actors'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'],
                                name=op.f('fk_actor_events_author_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_actor_events')),
    )
    op.create_index(op.f('ix_actor_events_actor_id'), 'actor_events', ['actor_id'])


def add_lead_column():
    """Add lead_actor_id with its foreign key; on SQLite in the column's own definition, as
    rebuilding the initiatives table would delete what cascades from it."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE initiatives ADD COLUMN lead_actor_id INTEGER "
                   "CONSTRAINT fk_initiatives_lead_actor_id_actors REFERENCES actors (id)")
    else:
        op.add_column('initiatives', sa.Column('lead_actor_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_initiatives_lead_actor_id_actors'), 'initiatives',
                              'actors', ['lead_actor_id'], ['id'])
    op.create_index(op.f('ix_initiatives_lead_actor_id'), 'initiatives', ['lead_actor_id'])


def grouped(rows) -> tuple[list[dict], dict[int, int]]:
    """One actor per folded name and agreeing type, and each initiative's actor (its index).

    The first spelling names the actor; a known type fills an unknown one.
    """
    found: list[dict] = []
    by_name: dict[str, list[int]] = {}
    lead: dict[int, int] = {}
    for initiative_id, name, type_, status in rows:
        key = fold(name)[:200]
        candidates = by_name.setdefault(key, [])
        same = [i for i in candidates if found[i]["type"] == type_]
        agreeing = [i for i in candidates if found[i]["type"] is None or type_ is None]
        index = (same or agreeing or [None])[0]
        if index is None:
            index = len(found)
            found.append({"name": name.strip()[:200], "normalised_name": key, "type": type_,
                          "public": False})
            candidates.append(index)
        actor = found[index]
        actor["type"] = actor["type"] or type_
        actor["public"] = actor["public"] or status in PUBLIC
        lead[initiative_id] = index
    return found, lead


def link_free_text_actors(bind) -> None:
    """Turn the free-text actors into records and point each initiative to its own."""
    from app.initiatives.paths import slugify
    from app.models.base import utcnow

    rows = bind.execute(sa.select(initiatives.c.id, initiatives.c.actor_name,
                                  initiatives.c.actor_type, initiatives.c.status)
                        .where(initiatives.c.actor_name != '').order_by(initiatives.c.id)).all()
    rows = [row for row in rows if fold(row[1])]
    found, lead = grouped(rows)
    now = utcnow().replace(tzinfo=None)
    ids = [bind.execute(actors.insert().values(
        name=actor["name"], slug=slugify(actor["name"], "acteur")[:80],
        normalised_name=actor["normalised_name"], type=actor["type"], description='',
        status="published" if actor["public"] else "pending", created_at=now,
        updated_at=now).returning(actors.c.id)).scalar_one() for actor in found]
    before = {row[0]: (row[1], row[2]) for row in rows}
    for initiative_id, index in lead.items():
        actor = found[index]
        values = {"lead_actor_id": ids[index], "actor_name": actor["name"],
                  "actor_type": actor["type"]}
        if before[initiative_id] != (actor["name"], actor["type"]):
            values["public_feature"] = None  # rebuilt on the fly with the new copy
        bind.execute(initiatives.update().where(initiatives.c.id == initiative_id)
                     .values(**values))


def downgrade():
    op.drop_index(op.f('ix_initiatives_lead_actor_id'), table_name='initiatives')
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f('fk_initiatives_lead_actor_id_actors'), 'initiatives',
                           type_='foreignkey')
    op.drop_column('initiatives', 'lead_actor_id')  # SQLite 3.35+ drops it in place
    op.drop_index(op.f('ix_actor_events_actor_id'), table_name='actor_events')
    op.drop_table('actor_events')
    op.drop_index(op.f('ix_initiative_partners_actor_id'), table_name='initiative_partners')
    op.drop_index('ix_initiative_partners_initiative_id', table_name='initiative_partners')
    op.drop_table('initiative_partners')
    for column in ('normalised_name', 'type', 'siren', 'rna', 'status', 'merged_into_id'):
        op.drop_index(op.f(f'ix_actors_{column}'), table_name='actors')
    op.drop_table('actors')
