"""fallbacks of groups and main numbers, and the company's default fallback

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('group', 'main_number'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('fallback_box_id', sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column('fallback_number', sa.String(length=16), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_fallback_box_id_voicemail_box'), 'voicemail_box',
                                        ['fallback_box_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('default_fallback_box_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('default_fallback_number', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.drop_column('default_fallback_number')
        batch_op.drop_column('default_fallback_box_id')
    for table in ('main_number', 'group'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_fallback_box_id_voicemail_box'), type_='foreignkey')
            batch_op.drop_column('fallback_number')
            batch_op.drop_column('fallback_box_id')
