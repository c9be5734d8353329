"""event listener: leg roles and dispositions, queue callers, voicemail deliveries

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('call_leg', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=10), server_default='callee', nullable=False))
        batch_op.add_column(sa.Column('disposition', sa.String(length=20), server_default='', nullable=False))

    with op.batch_alter_table('queue_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('caller', sa.String(length=64), server_default='', nullable=False))

    op.create_table('voicemail_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recording_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['recording_id'], ['recording.id'], name=op.f('fk_voicemail_delivery_recording_id_recording'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voicemail_delivery')),
    sa.UniqueConstraint('recording_id', 'email', name='uq_voicemail_delivery_once')
    )
    with op.batch_alter_table('voicemail_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voicemail_delivery_recording_id'), ['recording_id'], unique=False)


def downgrade():
    with op.batch_alter_table('voicemail_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voicemail_delivery_recording_id'))
    op.drop_table('voicemail_delivery')
    with op.batch_alter_table('queue_event', schema=None) as batch_op:
        batch_op.drop_column('caller')
    with op.batch_alter_table('call_leg', schema=None) as batch_op:
        batch_op.drop_column('disposition')
        batch_op.drop_column('role')
