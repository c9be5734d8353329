"""sign-in codes per address, panel sessions, API tokens, rate limits

Outstanding sign-in codes are dropped: they live ten minutes and belonged to users, not addresses.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rate_limit_hit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('window', sa.BigInteger(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rate_limit_hit')),
    sa.UniqueConstraint('key', 'window', name='uq_rate_limit_hit_key_window')
    )
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_api_token_created_by_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_api_token_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_token_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('panel_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('user_agent', sa.String(length=200), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_panel_session_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_session')),
    sa.UniqueConstraint('id_hash', name=op.f('uq_panel_session_id_hash'))
    )
    with op.batch_alter_table('panel_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_session_user_id'), ['user_id'], unique=False)

    op.execute("DELETE FROM login_code")
    with op.batch_alter_table('login_code', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=254), nullable=False))
        batch_op.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=False))
        batch_op.drop_index(batch_op.f('ix_login_code_user_id'))
        batch_op.create_index(batch_op.f('ix_login_code_address'), ['address'], unique=False)
        batch_op.drop_constraint(batch_op.f('fk_login_code_user_id_user'), type_='foreignkey')
        batch_op.drop_column('user_id')



def downgrade():
    op.execute("DELETE FROM login_code")
    with op.batch_alter_table('login_code', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', sa.INTEGER(), nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_login_code_user_id_user'), 'user', ['user_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_index(batch_op.f('ix_login_code_address'))
        batch_op.create_index(batch_op.f('ix_login_code_user_id'), ['user_id'], unique=False)
        batch_op.drop_column('created_at')
        batch_op.drop_column('address')

    with op.batch_alter_table('panel_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_session_user_id'))

    op.drop_table('panel_session')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_api_token_created_by_id'))

    op.drop_table('api_token')
    op.drop_table('rate_limit_hit')
