"""reports: calls counted per company and hour; indexes for a company's calls of a period, a number's later
calls, queue events of a period

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# (name, table, columns, the columns PostgreSQL keeps in the index too: the reports then read the index alone)
INDEXES = [
    ('ix_call_record_tenant_started', 'call_record', ['tenant_id', 'started_at'],
     ['direction', 'main_number', 'caller', 'answered_at']),
    ('ix_call_record_tenant_caller', 'call_record', ['tenant_id', 'caller', 'started_at'], ['direction', 'answered_at']),
    ('ix_call_record_tenant_destination', 'call_record', ['tenant_id', 'destination', 'started_at'],
     ['direction', 'answered_at']),
    ('ix_queue_event_tenant_at', 'queue_event', ['tenant_id', 'at'], ['queue', 'kind', 'wait_seconds']),
]


def upgrade():
    for name, table, columns, included in INDEXES:
        op.create_index(name, table, columns, postgresql_include=included)
    op.create_table(
        'call_hour',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('hour', sa.DateTime(timezone=True), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('key', sa.Text(), nullable=False),
        sa.Column('direction', sa.String(length=10), nullable=False),
        sa.Column('outcome', sa.String(length=10), nullable=False),
        sa.Column('calls', sa.Integer(), nullable=False),
        sa.Column('waited', sa.BigInteger(), nullable=False),
        sa.Column('talked', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_call_hour_tenant_id_tenant'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_call_hour')),
        sa.UniqueConstraint('tenant_id', 'kind', 'hour', 'key', 'direction', 'outcome', name='uq_call_hour_count'),
    )
    op.create_index('ix_call_hour_tenant_hour', 'call_hour', ['tenant_id', 'hour'])
    # The hours of the calls already stored are counted by `centralka reports backfill`.


def downgrade():
    op.drop_table('call_hour')
    for name, table, _, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
