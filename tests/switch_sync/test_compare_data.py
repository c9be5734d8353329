"""The sync compares the queues, agents and tiers as data: nothing changed, nothing sent; one
queue changed, that queue's commands alone."""
from flask import current_app

from pbx import directory, switch_sync
from pbx.extensions import db
from tests.switch_sync.conftest import publish, queue_tree


def sync_one(switch):
    [report] = switch_sync.sync_all(current_app._get_current_object(), names=[switch.name])
    assert report.ok, (report.errors, report.unreachable)
    return report


def two_queues(company) -> tuple[str, str]:
    """The sales node's queue and the group's own queue (longest-idle), both on the switch."""
    directory.update_group(company.tenant, company.group.id, {"ring_mode": "longest-idle"})
    db.session.commit()
    scenario, _ = publish(company, queue_tree(company))
    return f"t{company.tenant.id}_s{scenario.id}_sales@default", f"t{company.tenant.id}_g{company.group.id}@default"


def test_no_change_sends_no_command(ctx, company, switch):
    two_queues(company)
    sync_one(switch)
    before = len(switch.server.commands)
    assert sync_one(switch).commands == []
    sent = [command for _, command in switch.server.commands[before:]]
    assert sent and all(" list" in command for command in sent if command.startswith("api "))


def test_one_queue_changed_sends_only_that_queues_commands(ctx, company, switch):
    sales, group = two_queues(company)
    sync_one(switch)
    group_before = dict(switch.callcenter.queues[group])
    publish(company, queue_tree(company) | {"queue": {"max_wait_seconds": 45}})
    commands = [c for c in sync_one(switch).commands if c.startswith("callcenter_config")]
    assert commands == [f"callcenter_config queue reload {sales}"]  # then the company's users are flushed
    assert switch.callcenter.queues[sales]["max_wait_time"] == "45"
    assert switch.callcenter.queues[group] == group_before


def test_the_wanted_state_is_the_old_documents_content(ctx, monkeypatch):
    """Read from each company's queues as data, it equals what parsing the served XML gave."""
    import json
    from pathlib import Path

    from tests.support.callcenter import every_queue

    configuration = ctx.extensions["xml_curl"].sections["configuration"]
    monkeypatch.setattr(configuration, "queues", every_queue)
    wanted = switch_sync.desired_callcenter(current_app._get_current_object())
    golden = json.loads((Path(__file__).parents[1] / "xml_curl" / "golden"
                         / "callcenter_five_companies_switch.json").read_text())
    assert wanted.queues == golden["queues"] and wanted.agents == golden["agents"]
    assert [[queue, agent, tier] for (queue, agent), tier in sorted(wanted.tiers.items())] == golden["tiers"]
