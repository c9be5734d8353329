"""faxes received and sent

Revision ID: 0019
Revises: 0018
"""
from alembic import op
import sqlalchemy as sa

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'fax',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('direction', sa.String(length=3), nullable=False),
        sa.Column('call_uuid', sa.String(length=64), nullable=True),
        sa.Column('number', sa.String(length=64), nullable=False),
        sa.Column('box_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.Column('pages', sa.Integer(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('file_path', sa.String(length=500), nullable=False),
        sa.Column('document_name', sa.String(length=200), nullable=False),
        sa.Column('sent_by', sa.String(length=254), nullable=False),
        sa.Column('emailed_to', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('tried_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['box_id'], ['voicemail_box.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('call_uuid'),
    )
    with op.batch_alter_table('fax', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fax_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_fax_tenant_created', ['tenant_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('fax', schema=None) as batch_op:
        batch_op.drop_index('ix_fax_tenant_created')
        batch_op.drop_index(batch_op.f('ix_fax_tenant_id'))
    op.drop_table('fax')
