"""indexes for the reports: a company's calls of a period, a number's later calls, queue events of a period

Revision ID: 0007
Revises: 0006
"""
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

INDEXES = [
    ('ix_call_record_tenant_started', 'call_record', ['tenant_id', 'started_at']),
    ('ix_call_record_tenant_caller', 'call_record', ['tenant_id', 'caller', 'started_at']),
    ('ix_call_record_tenant_destination', 'call_record', ['tenant_id', 'destination', 'started_at']),
    ('ix_queue_event_tenant_at', 'queue_event', ['tenant_id', 'at']),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
