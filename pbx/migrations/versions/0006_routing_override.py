"""temporary routing overrides of main numbers

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'routing_override',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('main_number_id', sa.Integer(), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('mode', sa.String(length=16), nullable=False),
        sa.Column('announcement_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('group_id', sa.Integer(), nullable=True),
        sa.Column('number', sa.String(length=16), nullable=True),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_routing_override_tenant_id_tenant'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['main_number_id'], ['main_number.id'],
                                name=op.f('fk_routing_override_main_number_id_main_number'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['announcement_id'], ['announcement.id'],
                                name=op.f('fk_routing_override_announcement_id_announcement'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_routing_override_user_id_user'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['group_id'], ['group.id'], name=op.f('fk_routing_override_group_id_group'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_override')),
        sa.UniqueConstraint('main_number_id', name=op.f('uq_routing_override_main_number_id')),
    )
    op.create_index(op.f('ix_routing_override_tenant_id'), 'routing_override', ['tenant_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_routing_override_tenant_id'), table_name='routing_override')
    op.drop_table('routing_override')
