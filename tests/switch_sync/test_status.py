"""Each sync leaves its outcome per switch for the dashboard; a dry run leaves nothing."""
from flask import current_app
from sqlalchemy import select

from pbx import models, switch_status, switch_sync
from pbx.extensions import db
from tests.switch_sync.conftest import publish, queue_tree


def states():
    return dict(db.session.execute(select(models.SwitchStatus.server, models.SwitchStatus.sync_state)).all())


def test_in_line_and_failed_per_switch_and_shown_as_a_problem(ctx, company, switches):
    publish(company, queue_tree(company))
    for switch in switches:
        switch_status.record_connected(switch.name)
    switches[0].server.stop()
    switch_sync.sync_all(current_app._get_current_object())
    assert states() == {switches[0].name: "failed", switches[1].name: "in_line"}
    servers = [(*s.server.address, "ClueCon") for s in switches]
    assert [(s["sync"], s["problem"]) for s in switch_status.switches(servers)] == [("failed", "sync_failed"),
                                                                                     ("in_line", None)]


def test_the_listener_connecting_asks_again_and_a_dry_run_leaves_the_outcome(ctx, company, switch):
    switch_sync.sync_all(current_app._get_current_object(), names=[switch.name])
    assert states() == {switch.name: "in_line"}
    servers = [(*switch.server.address, "ClueCon")]
    assert switch_status.switches(servers)[0]["problem"] == "not_connected"  # synced, but no listener reported it
    switch_status.record_connected(switch.name)
    assert states() == {switch.name: "requested"}
    switch_sync.sync_all(current_app._get_current_object(), names=[switch.name], dry_run=True)
    assert states() == {switch.name: "requested"}
