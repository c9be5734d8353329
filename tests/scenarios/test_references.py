"""Where directory objects are used, and deleting them only when nothing relies on them (SQLite, PostgreSQL)."""
import copy

from flask import current_app
import pytest
from marshmallow import ValidationError
from sqlalchemy import select

from pbx import directory, models, scenarios
from pbx.compiler import ScenarioInvalid
from pbx.extensions import db
from pbx.scenarios import references_to
from tests.scenarios.test_versions import ids

PLACE = "scenario Godziny pracy (+48221000000)"


def scenario(tenant) -> models.Scenario:
    return tenant.main_numbers[0].scenario


def used_by(error) -> list[str]:
    return error.value.messages["used_by"]


def deletions(tenant, entity) -> list[str]:
    return list(db.session.scalars(select(models.AuditLogEntry.entity_id).where(
        models.AuditLogEntry.tenant_id == tenant.id, models.AuditLogEntry.entity == entity,
        models.AuditLogEntry.action == "delete")))


def delete_announcement(tenant, announcement_id):
    return directory.delete_announcement(tenant, announcement_id, current_app.config)


def test_a_user_in_the_draft_and_the_live_version_cannot_be_deleted(demo):
    users, _, _, _ = ids(demo)
    assert references_to(demo.id, "user", users["101"]) == [f"{PLACE}, draft, node Recepcja"]
    scenarios.publish(scenario(demo), current_app.config)
    db.session.commit()
    expected = [f"{PLACE}, draft, node Recepcja", f"{PLACE}, published version 1, node Recepcja"]
    assert references_to(demo.id, "user", users["101"]) == expected
    with pytest.raises(ValidationError) as error:
        directory.delete_user(demo, users["101"])
    db.session.rollback()
    assert used_by(error) == [f"user Anna Kowalska is used by {place}" for place in expected]
    assert db.session.get(models.User, users["101"]) is not None


def test_the_only_member_of_a_group_in_use_stays_and_others_go_with_an_audit_entry(demo):
    users, groups, _, _ = ids(demo)
    directory.update_group(demo, groups["300"], {"members": [{"user_id": users["106"], "ring_seconds": 30}]})
    db.session.commit()
    (place,) = references_to(demo.id, "user", users["106"])
    assert place == f"group Księgowość: its only member; the group is used by {PLACE}, draft, node Księgowość"
    with pytest.raises(ValidationError, match="only member"):
        directory.delete_user(demo, users["106"])
    db.session.rollback()
    revision = db.session.get(models.Tenant, demo.id).dialplan_revision
    directory.delete_user(demo, users["103"])  # one of two sales members: the group keeps ringing Piotr
    db.session.commit()
    db.session.refresh(demo)
    assert db.session.get(models.User, users["103"]) is None and demo.dialplan_revision > revision
    sales = db.session.get(models.Group, groups["200"])
    assert [m.user_id for m in sales.members] == [users["102"]]
    assert deletions(demo, "User") == [str(users["103"])] and deletions(demo, "GroupMember")


def test_groups_boxes_announcements_and_lists_in_use_are_refused_unused_ones_deleted(demo):
    users, groups, box, greeting = ids(demo)
    spam = directory.add_number_list(demo, {"name": "Spam", "kind": "blacklist", "patterns": ["+4870*"]})
    draft = copy.deepcopy(scenario(demo).draft)
    draft["root"]["closed"] = {"id": "spam_check", "kind": "caller_condition", "list": spam.id,
                               "otherwise": draft["root"]["closed"]}
    scenarios.save_draft(scenario(demo), draft)
    db.session.commit()
    refused = [(directory.delete_group, groups["200"], "node Sprzedaż"), (directory.delete_voicemail_box, box, "node vm_"),
               (delete_announcement, greeting, "node Powitanie"),
               (directory.delete_number_list, spam.id, "node spam_check")]
    for delete, obj_id, node in refused:
        with pytest.raises(ValidationError) as error:
            delete(demo, obj_id)
        db.session.rollback()
        assert any(node in line for line in used_by(error)), used_by(error)
    closed = db.session.scalar(select(models.Announcement.id).where(models.Announcement.name == "Zamknięte"))
    assert "voicemail box Poczta główna: its greeting" in references_to(demo.id, "announcement", closed)
    spare = [directory.add_group(demo, {"name": "Zapas"}), directory.add_voicemail_box(demo, {"name": "Zapas", "extra_emails": ["zapas@x.example"]}),
             directory.add_announcement(demo, {"name": "Zapas", "text": "x"}),
             directory.add_number_list(demo, {"name": "Zapas", "kind": "vip"})]
    for delete, obj in zip((directory.delete_group, directory.delete_voicemail_box, delete_announcement,
                            directory.delete_number_list), spare):
        delete(demo, obj.id)
    db.session.commit()
    assert all(db.session.get(type(obj), obj.id) is None for obj in spare)
    assert deletions(demo, "NumberList") == [str(spare[3].id)]


def test_main_numbers_ringing_a_user_directly_and_forwards_to_a_main_number(demo):
    users, _, box, _ = ids(demo)
    second = directory.add_main_number(demo, {"number": "+48 22 100 00 01", "target_user_id": users["106"]})
    assert references_to(demo.id, "user", users["106"]) == ["main number +48221000001 rings this user directly"]
    scenarios.save_draft(scenario(demo), {"name": "Przekierowanie", "root": {
        "id": "other", "kind": "forward", "target": {"number": "22 100 00 01"},
        "no_answer": {"id": "vm", "kind": "voicemail", "box": box}}})
    assert references_to(demo.id, "main_number", second.id) == [
        "scenario Przekierowanie (+48221000000), draft, node other"]
    assert references_to(demo.id, "main_number", demo.main_numbers[0].id) == [
        "scenario Przekierowanie (+48221000000): the scenario of this number"]


def test_older_versions_do_not_hold_objects_and_rolling_back_to_them_is_refused(demo):
    users, _, box, _ = ids(demo)
    sc = scenario(demo)
    extra = directory.add_user(demo, {"first_name": "Ewa", "last_name": "Nowa", "email": "ewa@x.example",
                                      "phone": "600 100 200"})
    scenarios.save_draft(sc, {"root": {"id": "ewa", "kind": "forward", "target": {"user": extra.id},
                                       "no_answer": {"id": "vm", "kind": "voicemail", "box": box}}})
    scenarios.publish(sc, current_app.config)
    scenarios.save_draft(sc, {"root": {"id": "bye", "kind": "hangup"}})
    scenarios.publish(sc, current_app.config)
    db.session.commit()
    assert references_to(demo.id, "user", extra.id) == []
    directory.delete_user(demo, extra.id)
    db.session.commit()
    with pytest.raises(ScenarioInvalid, match=f"user {extra.id} does not exist"):
        scenarios.rollback(sc, 1, current_app.config)
    db.session.rollback()


def test_unchecked_drafts_and_unknown_kinds(demo):
    users, _, _, _ = ids(demo)
    scenarios.save_draft(scenario(demo), {"root": {"id": "x", "kind": "forward", "target": "nope", "no_answer": {
        "id": "y", "kind": "menu", "prompt": True, "options": {"1": {"id": "z", "kind": "forward",
                                                                     "target": {"user": users["102"]}}}}}})
    assert references_to(demo.id, "user", users["102"]) == ["scenario Godziny pracy (+48221000000), draft, node z"]
    assert not any("node y" in place for place in references_to(demo.id, "announcement", 1))  # True is no id
    with pytest.raises(ValueError, match="unknown kind"):
        references_to(demo.id, "printer", 1)


def test_the_only_recipient_of_a_voicemail_box_stays(demo):
    users, _, _, _ = ids(demo)
    directory.add_voicemail_box(demo, {"name": "Magda", "recipient_ids": [users["105"]]})
    assert references_to(demo.id, "user", users["105"]) == ["voicemail box Magda: its only recipient"]
    with pytest.raises(ValidationError, match="only recipient"):
        directory.delete_user(demo, users["105"])
