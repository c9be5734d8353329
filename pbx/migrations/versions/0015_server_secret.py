"""the key "Call a server" nodes sign their requests with

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('tenant', sa.Column('server_secret', sa.String(length=64), nullable=True))


def downgrade():
    op.drop_column('tenant', 'server_secret')
