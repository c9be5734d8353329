"""transfers from phones: the company's feature codes, the transfers a call record shows

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('transfer_blind_code', sa.String(length=2), nullable=True, server_default='*1'))
        batch_op.add_column(sa.Column('transfer_attended_code', sa.String(length=2), nullable=True))
    with op.batch_alter_table('call_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('transfers', sa.JSON(), nullable=False, server_default='[]'))
    op.create_table(
        'call_transfer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('call_uuid', sa.String(length=64), nullable=False),
        sa.Column('leg_uuid', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('target', sa.String(length=32), nullable=True),
        sa.Column('by_user_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['by_user_id'], ['user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('leg_uuid'),
    )
    op.create_index('ix_call_transfer_call_uuid', 'call_transfer', ['call_uuid'])


def downgrade():
    op.drop_index('ix_call_transfer_call_uuid', table_name='call_transfer')
    op.drop_table('call_transfer')
    with op.batch_alter_table('call_record', schema=None) as batch_op:
        batch_op.drop_column('transfers')
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.drop_column('transfer_attended_code')
        batch_op.drop_column('transfer_blind_code')
