"""what the listener knows of each switch, for the panel's dashboard

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'switch_status',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('server', sa.String(length=120), nullable=False),
        sa.Column('connected', sa.Boolean(), nullable=False),
        sa.Column('since', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_event_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reported_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sync_state', sa.String(length=12), server_default='', nullable=False),
        sa.Column('sync_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_switch_status')),
        sa.UniqueConstraint('server', name=op.f('uq_switch_status_server')),
    )


def downgrade():
    op.drop_table('switch_status')
