"""on-demand recording: the users' right, the company's code and notice, who started a recording

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('may_record_on_demand', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_code', sa.String(length=2), nullable=True, server_default='*3'))
        batch_op.add_column(sa.Column('recording_notice_id', sa.Integer(), nullable=True))
    # The code shares the transfer codes' meta key and needs a digit of its own: off where *3 would not fit.
    op.execute("UPDATE tenant SET record_code = NULL WHERE transfer_blind_code LIKE '#%' "
               "OR transfer_attended_code LIKE '#%' OR '*3' IN (transfer_blind_code, transfer_attended_code)")
    with op.batch_alter_table('recording', schema=None) as batch_op:
        batch_op.add_column(sa.Column('started_by_user_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_recording_started_by_user_id_user'), 'user',
                                    ['started_by_user_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('recording', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_recording_started_by_user_id_user'), type_='foreignkey')
        batch_op.drop_column('started_by_user_id')
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.drop_column('recording_notice_id')
        batch_op.drop_column('record_code')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('may_record_on_demand')
