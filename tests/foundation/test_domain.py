"""Models, the audit log, migrations and the CSV export."""
import csv
import io

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from pbx import directory, models
from pbx.audit import acting_as
from pbx.exports import users_csv
from pbx.extensions import db


def test_migrations_from_empty_match_the_models(ctx):
    # The app fixture built the schema with `alembic upgrade`; nothing may differ from the models.
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"render_as_batch": True}), db.metadata)
    assert diff == []


def test_demo_company_shape(demo):
    assert demo.timezone == "Europe/Warsaw" and demo.language == models.Language.PL
    assert demo.retention_days == 90
    assert [(n.number, n.is_primary) for n in demo.main_numbers] == [("+48221000000", True)]
    assert len(demo.users) == 6
    groups = {g.name: g for g in demo.groups}
    assert groups["Sprzedaż"].ring_mode == models.RingMode.SEQUENTIAL
    assert groups["Księgowość"].ring_mode == models.RingMode.SIMULTANEOUS
    assert [m.position for m in groups["Sprzedaż"].members] == [0, 1]
    box = db.session.scalar(select(models.VoicemailBox).where(models.VoicemailBox.tenant_id == demo.id))
    assert len(box.recipient_emails) == 2
    scenario = demo.main_numbers[0].scenario
    assert scenario.draft["root"]["kind"] == "schedule"


def test_every_change_lands_in_the_audit_log(demo):
    with acting_as("anna@firma-abc.example"):
        user = directory.add_user(demo, {"first_name": "Ewa", "last_name": "Zając", "email": "ewa@x.pl"})
        db.session.commit()
        directory.update_user(demo, user.id, {"extension": "150"})
        db.session.commit()
        db.session.delete(user)
        db.session.commit()
    entries = db.session.scalars(
        select(models.AuditLogEntry).where(models.AuditLogEntry.entity == "User",
                                           models.AuditLogEntry.entity_id == str(user.id))
        .order_by(models.AuditLogEntry.id)
    ).all()
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert all(e.actor == "anna@firma-abc.example" and e.tenant_id == demo.id for e in entries)
    assert entries[1].changes == {"extension": [None, "150"]}
    assert "sip_password" not in entries[0].changes


def test_audited_change_bumps_the_dialplan_revision(demo):
    before = db.session.scalar(select(models.Tenant.dialplan_revision).where(models.Tenant.id == demo.id))
    directory.update_user(demo, demo.users[0].id, {"extension": "199"})
    db.session.commit()
    after = db.session.scalar(select(models.Tenant.dialplan_revision).where(models.Tenant.id == demo.id))
    assert after == before + 1


def test_deleting_a_tenant_removes_what_it_owns(demo):
    other = directory.create_tenant({"name": "Druga"})
    directory.add_user(other, {"first_name": "A", "last_name": "B", "email": "a@b.pl"})
    db.session.commit()
    db.session.delete(demo)
    db.session.commit()
    owners = set(db.session.scalars(select(models.User.tenant_id)))
    assert owners == {other.id}


def test_users_csv_lists_users_and_admins(demo):
    rows = list(csv.DictReader(io.StringIO(users_csv(demo))))
    assert len(rows) == 6
    anna = next(r for r in rows if r["email"].startswith("anna."))
    assert anna == {"first_name": "Anna", "last_name": "Kowalska", "phone": "+48501234567",
                    "email": "anna.kowalska@firma-abc.example", "role": "admin", "extension": "101",
                    "description": "Recepcja"}


def test_users_csv_neutralises_spreadsheet_formulas(demo):
    directory.add_user(demo, {"first_name": "=HYPERLINK(\"x\")", "last_name": "@SUM(A1)", "email": "f@x.pl",
                              "description": "-2+3"})
    db.session.commit()
    rows = list(csv.DictReader(io.StringIO(users_csv(demo))))
    evil = next(r for r in rows if r["email"] == "f@x.pl")
    assert evil["first_name"].startswith("'=") and evil["last_name"].startswith("'@")
    assert evil["description"] == "'-2+3"
    assert next(r for r in rows if r["email"].startswith("anna."))["phone"] == "+48501234567"


def test_removed_group_member_is_audited_for_its_tenant(demo):
    sales = next(g for g in demo.groups if g.name == "Sprzedaż")
    kept = sales.members[0].user_id
    directory.update_group(demo, sales.id, {"members": [{"user_id": kept}]})
    db.session.commit()
    removed = db.session.scalars(select(models.AuditLogEntry).where(
        models.AuditLogEntry.entity == "GroupMember", models.AuditLogEntry.action == "delete")).all()
    assert removed and all(e.tenant_id == demo.id for e in removed)


def test_sip_password_change_is_audited_without_its_value(demo):
    user = demo.users[1]
    before = db.session.scalar(select(models.Tenant.dialplan_revision).where(models.Tenant.id == demo.id))
    user.sip_password = "new-secret-123"
    db.session.commit()
    entry = db.session.scalars(select(models.AuditLogEntry).where(models.AuditLogEntry.entity == "User")
                               .order_by(models.AuditLogEntry.id.desc())).first()
    assert entry.action == "update" and entry.changes == {"sip_password": "changed"}
    assert "new-secret-123" not in str(entry.changes)
    after = db.session.scalar(select(models.Tenant.dialplan_revision).where(models.Tenant.id == demo.id))
    assert after == before + 1
