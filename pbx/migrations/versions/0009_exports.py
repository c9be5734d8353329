"""exports for finance: background export jobs, scheduled exports and their deliveries

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'export_job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('format', sa.String(length=12), nullable=False),
        sa.Column('filters', sa.JSON(), nullable=False),
        sa.Column('requested_by', sa.String(length=254), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('rows_total', sa.Integer(), nullable=False),
        sa.Column('rows_done', sa.Integer(), nullable=False),
        sa.Column('storage_key', sa.String(length=255), nullable=True),
        sa.Column('file_name', sa.String(length=120), nullable=False),
        sa.Column('size_bytes', sa.BigInteger(), nullable=True),
        sa.Column('error', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_export_job_tenant_id_tenant'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_export_job')),
    )
    op.create_index(op.f('ix_export_job_tenant_id'), 'export_job', ['tenant_id'], unique=False)
    op.create_index(op.f('ix_export_job_created_at'), 'export_job', ['created_at'], unique=False)
    op.create_table(
        'export_schedule',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('frequency', sa.String(length=8), nullable=False),
        sa.Column('format', sa.String(length=12), nullable=False),
        sa.Column('filters', sa.JSON(), nullable=False),
        sa.Column('recipients', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_period_sent', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_export_schedule_tenant_id_tenant'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_export_schedule')),
    )
    op.create_index(op.f('ix_export_schedule_tenant_id'), 'export_schedule', ['tenant_id'], unique=False)
    op.create_table(
        'export_delivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('schedule_id', sa.Integer(), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(['schedule_id'], ['export_schedule.id'],
                                name=op.f('fk_export_delivery_schedule_id_export_schedule'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_export_delivery')),
        sa.UniqueConstraint('schedule_id', 'period_start', 'email', name='uq_export_delivery_once'),
    )
    op.create_index(op.f('ix_export_delivery_schedule_id'), 'export_delivery', ['schedule_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_export_delivery_schedule_id'), table_name='export_delivery')
    op.drop_table('export_delivery')
    op.drop_index(op.f('ix_export_schedule_tenant_id'), table_name='export_schedule')
    op.drop_table('export_schedule')
    op.drop_index(op.f('ix_export_job_created_at'), table_name='export_job')
    op.drop_index(op.f('ix_export_job_tenant_id'), table_name='export_job')
    op.drop_table('export_job')
