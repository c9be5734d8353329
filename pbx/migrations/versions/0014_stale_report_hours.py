"""report counts rebuilt after the write that made them stale, not in its transaction

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'call_hour_stale',
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('hour', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_call_hour_stale_tenant_id_tenant'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('tenant_id', 'hour', name=op.f('pk_call_hour_stale')),
    )


def downgrade():
    op.drop_table('call_hour_stale')
