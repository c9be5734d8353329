"""top callers: incoming calls counted per caller and day, and per caller and month

Revision ID: 0018
Revises: 0017
"""
from alembic import op
import sqlalchemy as sa

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'caller_day',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.DateTime(timezone=True), nullable=False),
        sa.Column('main_number', sa.String(length=16), nullable=False),
        sa.Column('caller', sa.String(length=64), nullable=False),
        sa.Column('calls', sa.Integer(), nullable=False),
        sa.Column('answered', sa.Integer(), nullable=False),
        sa.Column('last_call', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_caller_day_tenant_id_tenant'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_caller_day')),
    )
    op.create_index('uq_caller_day', 'caller_day', ['tenant_id', 'day', 'main_number', 'caller'], unique=True)
    op.create_index('ix_caller_day_caller', 'caller_day', ['tenant_id', 'caller', 'day'],
                    postgresql_include=['main_number', 'calls', 'answered', 'last_call'])
    op.create_table(
        'caller_month',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.DateTime(timezone=True), nullable=False),
        sa.Column('caller', sa.String(length=64), nullable=False),
        sa.Column('calls', sa.Integer(), nullable=False),
        sa.Column('answered', sa.Integer(), nullable=False),
        sa.Column('last_call', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_caller_month_tenant_id_tenant'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_caller_month')),
    )
    op.create_index('ix_caller_month_calls', 'caller_month', ['tenant_id', 'month', 'calls', 'caller'])
    op.create_index('uq_caller_month', 'caller_month', ['tenant_id', 'caller', 'month'], unique=True,
                    postgresql_include=['calls', 'answered', 'last_call'])
    _count_stored_calls()


def _count_stored_calls():
    """The calls stored so far (UTC days and months: PostgreSQL truncates, SQLite cuts the stored text)."""
    if op.get_bind().dialect.name == 'postgresql':
        day, month = "date_trunc('day', started_at, 'UTC')", "date_trunc('month', day, 'UTC')"
    else:
        day, month = "substr(started_at, 1, 10) || ' 00:00:00.000000'", "substr(day, 1, 8) || '01 00:00:00.000000'"
    op.execute(f"INSERT INTO caller_day (tenant_id, day, main_number, caller, calls, answered, last_call) "
               f"SELECT tenant_id, {day}, coalesce(main_number, ''), caller, count(*), count(answered_at), "
               f"max(started_at) FROM call_record WHERE tenant_id IS NOT NULL AND direction = 'in' AND caller != '' "
               f"GROUP BY tenant_id, {day}, coalesce(main_number, ''), caller")
    op.execute(f"INSERT INTO caller_month (tenant_id, month, caller, calls, answered, last_call) "
               f"SELECT tenant_id, {month}, caller, sum(calls), sum(answered), max(last_call) FROM caller_day "
               f"GROUP BY tenant_id, {month}, caller")


def downgrade():
    op.drop_table('caller_month')
    op.drop_table('caller_day')
