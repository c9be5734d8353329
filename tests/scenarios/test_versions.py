"""Drafts, publishing, rollback, diff and the served documents, on SQLite and PostgreSQL."""
import json

from flask import current_app
import pytest
from lxml import etree
from marshmallow import ValidationError
from sqlalchemy import select

from pbx import directory, models, scenarios
from pbx.company_dialplan import callcenter_queues, public_entry, tenant_document
from pbx.compiler import ScenarioInvalid
from pbx.extensions import db
from pbx.messages import Message
from pbx.nodes.base import BRANCHES
from pbx.representations import version_json
from tests.support.compiler import big_tree


def ids(tenant):
    users = {u.extension: u.id for u in tenant.users}
    groups = {g.extension: g.id for g in tenant.groups}
    box = db.session.scalar(select(models.VoicemailBox.id).where(models.VoicemailBox.tenant_id == tenant.id))
    prompt = db.session.scalar(select(models.Announcement.id).where(models.Announcement.tenant_id == tenant.id))
    return users, groups, box, prompt


def own_scenarios(tenant) -> dict[str, dict]:
    """A dozen trees covering every node kind, built on Firma ABC's directory."""
    users, groups, box, prompt = ids(tenant)
    vm = lambda i: {"id": i, "kind": "voicemail", "box": box}  # noqa: E731
    bye = lambda i: {"id": i, "kind": "hangup"}  # noqa: E731
    fw = lambda i, target, **k: {"id": i, "kind": "forward", "target": target, "no_answer": vm(f"{i}_vm"), **k}  # noqa: E731
    week = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    vip = directory.add_number_list(tenant, {"name": "VIP", "kind": "vip", "patterns": ["+48600100200"]})
    black = directory.add_number_list(tenant, {"name": "Spam", "kind": "blacklist", "patterns": ["+4870*"]})
    return {
        "user_only": fw("anna", {"user": users["101"]}),
        "group_sequential": fw("sales", {"group": groups["200"]}, busy=bye("busy_end")),
        "group_simultaneous": fw("acc", {"group": groups["300"]}, unavailable=bye("gone")),
        "external": fw("ext", {"number": "+48 600 700 800"}, ring_seconds=45),
        "queue": fw("q", {"group": groups["200"]}, queue={"max_wait_seconds": 120}),
        "hours": {"id": "h", "kind": "schedule", "week": week, "holidays": "pl", "open": fw("o", {"user": users["101"]}),
                  "closed": vm("closed_vm")},
        "nested_hours": {"id": "h", "kind": "schedule", "week": week, "closed": bye("night"), "open": {
            "id": "lunch", "kind": "schedule", "week": {"mon": [["12:00", "13:00"]]}, "open": vm("lunch_vm"),
            "closed": fw("desk", {"user": users["101"]})}},
        "menu": {"id": "m", "kind": "menu", "prompt": prompt, "direct_dial": True,
                 "options": {"1": fw("m1", {"group": groups["200"]}), "0": fw("m0", {"user": users["101"]})},
                 "no_input": bye("silence"), "invalid": {"id": "again", "kind": "goto", "target": "m"}},
        "greeting": {"id": "g", "kind": "announcement", "prompt": prompt, "repeat": 2, "next": vm("g_vm")},
        "vip": {"id": "v", "kind": "caller_condition", "list": vip.id, "match": fw("v1", {"user": users["101"]}),
                "otherwise": bye("normal")},
        "blacklist": {"id": "b", "kind": "caller_condition", "list": black.id, "otherwise": vm("b_vm")},
        "goodbye": {"id": "end", "kind": "hangup", "prompt": prompt},
    }


def scenario(tenant):
    return tenant.main_numbers[0].scenario


def test_every_own_scenario_publishes_rolls_back_and_diffs(demo):
    trees = own_scenarios(demo)
    sc = scenario(demo)
    published = []
    for name, root in trees.items():
        scenarios.save_draft(sc, {"name": name, "root": root})
        published.append(scenarios.publish(sc, current_app.config).number)
    db.session.commit()
    assert published == list(range(1, 13))
    back = scenarios.rollback(sc, 1, current_app.config)
    db.session.commit()
    assert back.number == 13 and back.tree["root"] == trees["user_only"] and sc.published_version_id == back.id
    assert sc.draft == scenarios.version(sc, 1).tree and sc.name == "user_only"  # the editor shows what is live
    lines = scenarios.diff(scenarios.version(sc, 1).tree, scenarios.version(sc, 2).tree)
    assert "added “Forward” node sales to the start of the scenario" in lines
    assert "removed “Forward” node anna" in lines


def test_publish_changes_nothing_on_errors_and_bumps_the_revision_on_success(demo):
    sc = scenario(demo)
    before = db.session.get(models.Tenant, demo.id).dialplan_revision
    scenarios.publish(sc, current_app.config)
    db.session.commit()
    db.session.refresh(demo)
    assert demo.dialplan_revision > before and sc.published_version.number == 1
    entries = db.session.scalars(select(models.AuditLogEntry.entity).where(models.AuditLogEntry.tenant_id == demo.id))
    assert "ScenarioVersion" in set(entries)
    scenarios.save_draft(sc, {"root": {"id": "x", "kind": "forward", "target": {"user": 999}}})
    with pytest.raises(ScenarioInvalid) as error:
        scenarios.publish(sc, current_app.config)
    db.session.rollback()
    assert {e.node_id for e in error.value.errors} == {"x"}
    assert len(sc.versions) == 1 and sc.published_version.number == 1


def test_bad_drafts_are_refused_and_the_stored_draft_kept(demo):
    sc = scenario(demo)
    kept = json.dumps(sc.draft, sort_keys=True)
    for bad in ({"root": "nope"}, {"name": "x"}, {"root": {"kind": "hangup"}}):
        with pytest.raises(ValidationError):
            scenarios.save_draft(sc, bad)
        db.session.rollback()
    assert json.dumps(scenario(demo).draft, sort_keys=True) == kept


def test_diff_in_words_field_by_field():
    old = {"root": {"id": "a", "kind": "announcement", "prompt": 1, "repeat": 1, "next": {"id": "b", "kind": "hangup"}}}
    new = {"root": {"id": "a", "kind": "announcement", "prompt": 2, "next": {"id": "c", "kind": "voicemail", "box": 3}}}
    assert scenarios.diff(old, new) == [
        "added “Voicemail” node c to the “next” branch of a", "removed “Hang up” node b",
        "node a: announcement changed from 1 to 2", "node a: repeats removed (was 1)"]


def test_diff_names_nodes_objects_and_fields_as_the_panel_does():
    """Nodes by their names, fields by their labels, announcements and people by their names, in either language."""
    old = {"root": {"id": "a", "name": "Powitanie", "kind": "announcement", "prompt": 1,
                    "next": {"id": "f", "kind": "forward", "target": {"user": 5}, "ring_seconds": 40}}}
    new = {"root": {"id": "a", "name": "Powitanie", "kind": "announcement", "prompt": 6,
                    "next": {"id": "f", "kind": "forward", "target": {"group": 2}, "ring_seconds": 25}}}
    names = {("announcement", 1): "Dzień dobry", ("announcement", 6): "Zamknięte", ("user", 5): "Anna Kowalska",
             ("group", 2): "Sprzedaż"}
    lines = scenarios.diff(old, new, names=lambda kind, obj_id: names.get((kind, obj_id)))
    assert lines == ["node Powitanie: announcement changed from Dzień dobry to Zamknięte",
                     "node f: ring time changed from 40 to 25",
                     "node f: target changed from Anna Kowalska to Sprzedaż"]
    assert [line.in_language("pl") for line in lines] == [
        "Węzeł Powitanie: zmieniono zapowiedź z Dzień dobry na Zamknięte",
        "Węzeł f: zmieniono czas dzwonienia z 40 na 25",
        "Węzeł f: zmieniono cel z Anna Kowalska na Sprzedaż"]
    moved = scenarios.diff(old, {"root": {**new["root"], "next": None}, "x": 1} | {
        "root": {"id": "f", "kind": "forward", "target": {"group": 2}, "ring_seconds": 25,
                 "no_answer": {**old["root"], "next": None}}})
    assert "Przeniesiono węzeł f z gałęzi „dalej” węzła Powitanie do początku scenariusza" in \
        [line.in_language("pl") for line in moved]


def test_served_documents(demo):
    sc = scenario(demo)
    scenarios.save_draft(sc, {"root": own_scenarios(demo)["queue"]})
    version = scenarios.publish(sc, current_app.config)
    db.session.commit()
    doc = etree.fromstring(tenant_document(demo.id, current_app.config))
    (context,) = doc.iterfind("section/context")
    names = [e.get("name") for e in context.iterfind("extension")]
    assert context.get("name") == f"tenant_{demo.id}" and f"main_{sc.main_number_id}" in names
    assert "ext_101" in names and "direct_200" in names and any(n.startswith("out_") for n in names)
    entry = etree.fromstring(public_entry(demo.id, sc.main_number_id).document)
    assert [(a.get("application"), a.get("data")) for a in entry.iter("action")] == [
        ("export", "centralka_dialled=${destination_number}"),
        ("transfer", f"main_{sc.main_number_id} XML tenant_{demo.id}")]
    assert entry.find(".//condition").get("expression") == "^(?:(?:\\+|00)?48)?221000000$"
    assert [q["name"] for q in callcenter_queues(current_app.config)] == [f"t{demo.id}_s{sc.id}_q@default"]
    assert version.compiled_meta["queues"] == callcenter_queues(current_app.config)


def test_tenant_document_size_for_50_users_and_200_nodes(demo):
    for i in range(50):
        directory.add_user(demo, {"first_name": "U", "last_name": str(i), "email": f"u{i}@x.example",
                                  "phone": f"600 100 {i:03d}", "extension": f"7{i:02d}", "may_present_main_number": True})
    users, groups, box, prompt = ids(demo)
    sc = scenario(demo)
    scenarios.save_draft(sc, {"root": big_tree(groups["200"], box, prompt)})
    scenarios.publish(sc, current_app.config)
    db.session.commit()
    assert len(tenant_document(demo.id, current_app.config)) < 1024 * 1024


def test_a_version_words_its_warnings_in_the_readers_language_and_keeps_older_texts():
    """Warnings are stored as codes; versions published before messages had codes keep their English text."""
    warning = {"node_id": "main_menu", **Message("lint.menu_invalid", branch=BRANCHES["invalid"]).as_json()}
    version = models.ScenarioVersion(number=2, note="published", compiled_meta={"warnings": [
        warning, "hours: the schedule is never open: every call takes the `closed` branch"]})
    polish = version_json(version, None, lambda message: message.in_language("pl"), polish=True)
    assert polish["warnings"] == [
        "main_menu: Brak gałęzi „błędny wybór”: dzwoniący, który naciśnie niewłaściwy klawisz, zostanie rozłączony.",
        "hours: the schedule is never open: every call takes the `closed` branch"]
    assert version_json(version, None)["warnings"][0] == \
        "main_menu: no “invalid” branch: a caller who presses a wrong key is hung up"
