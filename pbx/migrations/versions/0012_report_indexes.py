"""reports over millions of calls: the hourly counts summed per day, read from the index alone

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

COUNTED = ['calls', 'waited', 'talked']  # kept in the indexes too: PostgreSQL reads the counts from the index


def upgrade():
    with op.batch_alter_table('call_hour', schema=None) as batch_op:
        batch_op.drop_constraint('uq_call_hour_count', type_='unique')
    op.create_index('uq_call_hour_count', 'call_hour', ['tenant_id', 'kind', 'hour', 'key', 'direction', 'outcome'],
                    unique=True, postgresql_include=COUNTED)
    op.create_table(
        'call_day',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.DateTime(timezone=True), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('key', sa.Text(), nullable=False),
        sa.Column('direction', sa.String(length=10), nullable=False),
        sa.Column('outcome', sa.String(length=10), nullable=False),
        sa.Column('calls', sa.Integer(), nullable=False),
        sa.Column('waited', sa.BigInteger(), nullable=False),
        sa.Column('talked', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_call_day_tenant_id_tenant'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_call_day')),
    )
    op.create_index('uq_call_day_count', 'call_day', ['tenant_id', 'kind', 'day', 'key', 'direction', 'outcome'],
                    unique=True, postgresql_include=COUNTED)
    _sum_days()


def _sum_days():
    """The days of the hours counted so far (UTC midnight: PostgreSQL truncates, SQLite keeps the stored date)."""
    if op.get_bind().dialect.name == 'postgresql':
        day = "date_trunc('day', hour AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
    else:
        day = "substr(hour, 1, 10) || ' 00:00:00.000000'"
    op.execute(f"INSERT INTO call_day (tenant_id, day, kind, key, direction, outcome, calls, waited, talked) "
               f"SELECT tenant_id, {day}, kind, key, direction, outcome, sum(calls), sum(waited), sum(talked) "
               f"FROM call_hour GROUP BY tenant_id, {day}, kind, key, direction, outcome")


def downgrade():
    op.drop_table('call_day')
    op.drop_index('uq_call_hour_count', table_name='call_hour')
    with op.batch_alter_table('call_hour', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_call_hour_count',
                                          ['tenant_id', 'kind', 'hour', 'key', 'direction', 'outcome'])
