"""Directory edits apply to published scenarios at once, without a republish, on SQLite and PostgreSQL."""
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from lxml import etree

from pbx import directory, models, scenarios
from pbx.company_dialplan import callcenter_queues, tenant_document
from pbx.extensions import db
from pbx.simulator import Leg, World, fetch_from_document, simulate
from tests.scenarios.test_versions import ids

AT = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Europe/Warsaw"))


def publish(tenant, root) -> models.ScenarioVersion:
    sc = tenant.main_numbers[0].scenario
    scenarios.save_draft(sc, {"name": "Na żywo", "root": root})
    version = scenarios.publish(sc, current_app.config)
    db.session.commit()
    return version


def screened_sales(tenant, **forward) -> dict:
    """Blacklist check, then the sales group (extension 200), voicemail when nobody answers."""
    users, groups, box, _ = ids(tenant)
    spam = directory.add_number_list(tenant, {"name": "Spam", "kind": "blacklist", "patterns": ["+48700100100"]})
    return {"id": "spam", "kind": "caller_condition", "list": spam.id, "otherwise": {
        "id": "sales", "kind": "forward", "target": {"group": groups["200"]}, "ring_seconds": 20, **forward,
        "no_answer": {"id": "vm", "kind": "voicemail", "box": box}}}


def simulated(tenant, caller="48600000001", **world):
    number = tenant.main_numbers[0]
    document = tenant_document(tenant.id, current_app.config)
    return simulate(fetch_from_document(document), World(start=AT, caller=caller, **world),
                    context=f"tenant_{tenant.id}", destination=f"main_{number.id}")


def bridges(tenant) -> list[str]:
    doc = etree.fromstring(tenant_document(tenant.id, current_app.config))
    return [a.get("data") for a in doc.iterfind(".//extension[@name='s{}_sales']//action[@application='bridge']".format(
        tenant.main_numbers[0].scenario.id))]


def user(tenant, extension) -> models.User:
    return next(u for u in tenant.users if u.extension == extension)


def test_group_members_changed_after_publishing_ring_at_once(demo):
    version = publish(demo, screened_sales(demo))
    users, groups, _, _ = ids(demo)
    directory.update_group(demo, groups["200"], {"members": [{"user_id": users["104"], "ring_seconds": 25}]})
    db.session.commit()
    (dial,) = bridges(demo)
    assert "48504567890" in dial and "48502345678" not in dial and "leg_timeout=25" in dial
    result = simulated(demo, legs={"sofia/gateway/carrier/48504567890": Leg("answer", 3.0, talk=5)})
    (bridged,) = [s for s in result.steps if s.kind == "bridged"]
    assert bridged.details["target"] == "sofia/gateway/carrier/48504567890"
    # The stored compile stays the record of what was published.
    assert "48502345678" in db.session.get(models.ScenarioVersion, version.id).compiled_xml


def test_a_users_new_phone_is_rung_without_a_republish(demo):
    version = publish(demo, screened_sales(demo))
    directory.update_user(demo, user(demo, "102").id, {"phone": "+48 609 000 111"})
    db.session.commit()
    (dial,) = bridges(demo)
    assert "48609000111" in dial and "48502345678" not in dial
    assert "48502345678" in db.session.get(models.ScenarioVersion, version.id).compiled_xml
    result = simulated(demo, legs={"sofia/gateway/carrier/48609000111": Leg("answer", 2.0, talk=5)})
    assert [s.details["target"] for s in result.steps if s.kind == "bridged"] == ["sofia/gateway/carrier/48609000111"]


def test_a_number_added_to_the_blacklist_is_rejected_at_once(demo):
    publish(demo, screened_sales(demo))
    assert simulated(demo, caller="48600999888").hangup_cause != "CALL_REJECTED"
    spam = db.session.scalars(db.select(models.NumberList).where(models.NumberList.tenant_id == demo.id)).one()
    spam.patterns = [*spam.patterns, "+48600999888"]
    db.session.commit()
    result = simulated(demo, caller="48600999888")
    assert result.hangup_cause == "CALL_REJECTED" and result.variables["centralka_blacklisted"] == "true"


def test_queue_agents_follow_the_group(demo):
    publish(demo, screened_sales(demo, queue={"max_wait_seconds": 60}))
    users, groups, _, _ = ids(demo)
    before = {a["name"] for q in callcenter_queues(current_app.config) for a in q["agents"]}
    directory.update_group(demo, groups["200"], {"members": [{"user_id": users["105"], "ring_seconds": 20}]})
    db.session.commit()
    (queue,) = callcenter_queues(current_app.config)
    sc = demo.main_numbers[0].scenario
    assert [a["name"] for a in queue["agents"]] == [f"t{demo.id}_s{sc.id}_sales_u{users['105']}@default"]
    assert before == {f"t{demo.id}_s{sc.id}_sales_u{users[e]}@default" for e in ("102", "103")}


def test_a_tree_that_no_longer_compiles_is_served_as_published(demo, caplog, monkeypatch):
    # Alembic's fileConfig() in the test database setup disables loggers that existed before it.
    monkeypatch.setattr(logging.getLogger("pbx.compiler"), "disabled", False)
    users, _, box, _ = ids(demo)
    version = publish(demo, {"id": "desk", "kind": "forward", "target": {"user": users["103"]},
                             "no_answer": {"id": "vm", "kind": "voicemail", "box": box}})
    directory.update_user(demo, users["103"], {"phone": None, "extension": None})
    db.session.commit()
    with caplog.at_level(logging.WARNING, logger="pbx.compiler"):
        doc = etree.fromstring(tenant_document(demo.id, current_app.config))
    sc = demo.main_numbers[0].scenario
    served = [etree.tostring(e) for e in doc.iterfind(f".//extension[@name='s{sc.id}_desk']")]
    stored = [etree.tostring(e) for e in etree.fromstring(version.compiled_xml.encode()).iterfind(
        f".//extension[@name='s{sc.id}_desk']")]
    assert served == stored and b"48503456789" in served[0]
    (record,) = [r for r in caplog.records if r.name == "pbx.compiler"]
    assert f"company {demo.id}" in record.getMessage() and f"scenario {sc.id}" in record.getMessage()
    assert "neither a phone number nor an extension" in record.getMessage()
