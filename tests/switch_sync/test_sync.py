"""Publishing, editing and rolling back reach a running mod_callcenter without a reload."""
import copy

from flask import current_app
import pytest

from pbx import directory, scenarios, switch_sync
from pbx.extensions import db
from tests.switch_sync.conftest import hangup_tree, publish, queue_tree, report_of
from tests.support.fake_callcenter import QUEUE_DEFAULTS


def sync(**kwargs):
    reports = switch_sync.sync_all(current_app._get_current_object(), **kwargs)
    assert all(r.ok for r in reports), [(r.server, r.errors, r.unreachable) for r in reports]
    return reports


def names(company, suffix=""):
    """Queue (or agent) names of the sales node's queue."""
    return f"t{company.tenant.id}_s{company.number.scenario.id}_sales{suffix}@default"


def agent(company, user):
    return names(company, f"_u{company.users[user].id}")


def test_published_queue_reaches_the_switch(ctx, company, switch):
    publish(company, queue_tree(company))
    sync()
    cc = switch.callcenter
    queue = cc.queues[names(company)]
    assert (queue["strategy"], queue["max_wait_time"], queue["moh_sound"]) == ("ring-all", "120", "local_stream://moh")
    ala, bartek = cc.agents[agent(company, "Ala")], cc.agents[agent(company, "Bartek")]
    assert ala["contact"] == (f"[leg_timeout=15,centralka_user={company.users['Ala'].id}]sofia/gateway/carrier/48501000011,"
                              f"[leg_timeout=15,centralka_user={company.users['Ala'].id}]user/101@t{company.tenant.id}.pbx.local")
    assert (ala["status"], bartek["status"]) == ("Available", "Available")
    assert "[leg_timeout=20," in bartek["contact"]
    assert {key: (t["level"], t["position"], t["state"]) for key, t in cc.tiers.items()} == {
        (names(company), agent(company, "Ala")): ("1", "1", "Ready"),
        (names(company), agent(company, "Bartek")): ("1", "2", "Ready")}
    assert cc.double_loads == 0
    assert not any(c.startswith("reload") for c in switch.sent())


def test_second_sync_sends_nothing(ctx, company, switch):
    publish(company, queue_tree(company))
    sync()
    before = len(switch.server.commands)
    [report] = sync(names=[switch.name])
    assert report.commands == []
    api = [c for _, c in switch.server.commands[before:] if c.startswith("api ")]
    assert api and all(" list" in c for c in api)


def test_a_member_the_reception_page_logged_out_or_paused_stays_so_while_other_settings_are_corrected(
        ctx, company, switch):
    publish(company, queue_tree(company))
    sync()
    ala, bartek = agent(company, "Ala"), agent(company, "Bartek")
    switch.callcenter.agents[ala].update(status="Logged Out", wrap_up_time="30")
    switch.callcenter.agents[bartek]["status"] = "On Break"
    [report] = sync(names=[switch.name])
    assert report.commands == [f"callcenter_config agent set wrap_up_time {ala} 0"]
    assert (switch.callcenter.agents[ala]["status"], switch.callcenter.agents[bartek]["status"]) == (
        "Logged Out", "On Break")


def test_queue_added_by_hand_with_agent_add_contact_and_status(ctx, company, switch):
    """A switch that cannot fetch the document still gets agents and tiers, one command each."""
    publish(company, queue_tree(company))
    served = switch_sync.desired_callcenter(current_app._get_current_object()).queues[names(company)]
    switch.callcenter.queues[names(company)] = {**QUEUE_DEFAULTS, **served, "name": names(company)}
    [report] = sync(names=[switch.name])
    ala = agent(company, "Ala")
    assert report.commands[:3] == [f"callcenter_config agent add {ala} callback",
                                   f"callcenter_config agent set contact {ala} {switch.callcenter.agents[ala]['contact']}",
                                   f"callcenter_config agent set reject_delay_time {ala} 5"]
    assert f"callcenter_config agent set status {ala} Available" in report.commands
    assert f"callcenter_config tier add {names(company)} {ala} 1 1" in report.commands
    assert switch.callcenter.agents[ala]["status"] == "Available"
    assert sync(names=[switch.name])[0].commands == []


def test_group_members_follow(ctx, company, switch):
    publish(company, queue_tree(company))
    sync()
    users = company.users
    directory.update_group(company.tenant, company.group.id, {"members": [
        {"user_id": users["Celina"].id, "ring_seconds": 25}, {"user_id": users["Bartek"].id, "ring_seconds": 20}]})
    db.session.commit()
    sync()
    cc = switch.callcenter
    assert agent(company, "Ala") not in cc.agents
    assert cc.agents[agent(company, "Celina")]["contact"] == (
        f"[leg_timeout=25,centralka_user={users['Celina'].id}]user/103@t{company.tenant.id}.pbx.local")
    assert {key[1]: t["position"] for key, t in cc.tiers.items()} == {
        agent(company, "Celina"): "1", agent(company, "Bartek"): "2"}
    assert sync()[0].commands == []


def test_a_phone_change_updates_the_contact_in_place(ctx, company, switch):
    publish(company, queue_tree(company))
    sync()
    directory.update_user(company.tenant, company.users["Bartek"].id, {"phone": "+48501000099"})
    db.session.commit()
    report = report_of(switch, sync())
    bartek = agent(company, "Bartek")
    assert [c.split(" ")[:4] for c in report.commands if c.startswith("callcenter_config")] == [
        ["callcenter_config", "agent", "set", "contact"]]
    assert "48501000099" in switch.callcenter.agents[bartek]["contact"]


def test_changed_queue_settings_reload_only_that_queue(ctx, company, switch):
    publish(company, queue_tree(company))
    sync()
    tree = queue_tree(company) | {"queue": {"max_wait_seconds": 45}}
    publish(company, tree)
    report = report_of(switch, sync())
    assert [c for c in report.commands if "queue" in c] == [f"callcenter_config queue reload {names(company)}"]
    assert switch.callcenter.queues[names(company)]["max_wait_time"] == "45"


def test_rollback_unloads_our_queue_and_deletes_its_agents(ctx, company, switch):
    scenario, first = publish(company, hangup_tree())
    publish(company, queue_tree(company))
    sync()
    queue, ala = names(company), agent(company, "Ala")
    scenarios.rollback(scenario, first.number, current_app.config)
    db.session.commit()
    report = report_of(switch, sync())
    assert f"callcenter_config queue unload {queue}" in report.commands
    assert f"callcenter_config agent del {ala}" in report.commands
    assert not any(c.startswith("callcenter_config tier del") for c in report.commands)  # agent del takes them
    cc = switch.callcenter
    assert (cc.queues, cc.agents, cc.tiers) == ({}, {}, {})


def test_a_removed_queue_stays_while_callers_wait(ctx, company, switch):
    scenario, first = publish(company, hangup_tree())
    publish(company, queue_tree(company))
    sync()
    switch.callcenter.waiting[names(company)] = 2
    scenarios.rollback(scenario, first.number, current_app.config)
    db.session.commit()
    report = report_of(switch, sync())
    assert report.waiting == [names(company)]
    assert not [c for c in report.commands if c.startswith("callcenter_config")]
    assert len(switch.callcenter.agents) == 2 and len(switch.callcenter.tiers) == 2
    switch.callcenter.waiting[names(company)] = 0
    sync()
    assert switch.callcenter.queues == {} and switch.callcenter.agents == {}


def test_foreign_queues_agents_and_tiers_are_untouched(ctx, company, switch):
    cc = switch.callcenter
    cc.queues["support@default"] = {**QUEUE_DEFAULTS, "name": "support@default", "strategy": "top-down"}
    cc.api("callcenter_config agent add 1001@default Callback")
    cc.api("callcenter_config agent set contact 1001@default sofia/gateway/carrier/48600000011|user/1001")
    cc.api("callcenter_config tier add support@default 1001@default 3 9")
    cc.api("callcenter_config tier set state support@default 1001@default Standby")
    foreign = copy.deepcopy((cc.queues, cc.agents, cc.tiers))
    scenario, first = publish(company, hangup_tree())
    publish(company, queue_tree(company))
    sync()
    scenarios.rollback(scenario, first.number, current_app.config)
    db.session.commit()
    sync()
    assert (cc.queues, cc.agents, cc.tiers) == foreign
    assert not any("support@default" in c or "1001@default" in c for c in switch.sent())


def test_dry_run_sends_no_change(ctx, company, switch):
    publish(company, queue_tree(company))
    report = report_of(switch, switch_sync.sync_all(current_app._get_current_object(), dry_run=True))
    assert report.commands[0] == f"callcenter_config queue load {names(company)}"
    assert switch.sent() == [] and switch.callcenter.queues == {}


def test_directory_users_flushed_after_a_change_of_their_company_on_its_home_switch_only(ctx, company, switches):
    home, other = switches
    sync()  # first contact: nothing is known to have changed
    assert all(s.callcenter.flushed == [] for s in switches)
    directory.update_user(company.tenant, company.users["Celina"].id, {"extension": "113"})
    db.session.commit()
    sync()
    domain = f"t{company.tenant.id}.pbx.local"
    assert sorted(home.callcenter.flushed) == [("101", domain), ("102", domain), ("113", domain)]
    assert f"xml_flush_cache id 113 {domain}" in home.sent()
    assert other.callcenter.flushed == [] and other.sent() == []
    sync()
    assert len(home.callcenter.flushed) == 3


def test_with_redis_away_queues_are_synced_and_the_directory_flush_waits_until_it_is_back(
        ctx, company, switches, task_queue, tmp_path):
    from tests.support.services import free_port

    home, _ = switches
    sync()  # first contact, recorded in the task queue's file
    directory.update_user(company.tenant, company.users["Celina"].id, {"extension": "113"})
    db.session.commit()
    publish(company, queue_tree(company))
    task_queue.configure(f"redis://127.0.0.1:{free_port()}/0", str(tmp_path))  # nothing listens there
    sync()
    assert names(company) in home.callcenter.queues and home.callcenter.flushed == []
    task_queue.configure(f"sqlite:///{tmp_path / 'tasks.sqlite3'}", str(tmp_path))
    sync()
    assert sorted(extension for extension, _ in home.callcenter.flushed) == ["101", "102", "113"]


def test_each_switch_gets_only_the_queues_of_the_companies_at_home_on_it(ctx, company, switches):
    home, other = switches
    publish(company, queue_tree(company))
    sync()
    assert names(company) in home.callcenter.queues and len(home.callcenter.agents) == 2
    assert (other.callcenter.queues, other.callcenter.agents, other.callcenter.tiers) == ({}, {}, {})
    assert other.sent() == []


def test_every_main_number_of_a_company_keeps_its_queues_whole_on_its_home_switch(ctx, company, switches):
    """Kamailio sends the carrier's calls to the home of the number's company, whatever the number."""
    home, other = switches
    for n in range(20):
        directory.add_main_number(company.tenant, {"number": f"+48221999{n:03d}"})
    db.session.commit()
    publish(company, queue_tree(company))
    sync()
    assert names(company) in home.callcenter.queues and len(home.callcenter.agents) == 2
    assert (other.callcenter.queues, other.callcenter.agents, other.callcenter.tiers) == ({}, {}, {})


def test_while_its_home_switch_is_down_a_company_is_synced_onto_the_next_and_goes_back_after(
        ctx, company, switches):
    home, other = switches
    publish(company, queue_tree(company))
    home.server.stop()
    reports = switch_sync.sync_all(current_app._get_current_object())
    down = report_of(home, reports)
    assert not down.ok and "ConnectionRefused" in down.unreachable
    assert report_of(other, reports).ok and names(company) in other.callcenter.queues
    assert len(other.callcenter.agents) == 2
    home.server.start()  # back on its port, its mod_callcenter empty as after a restart
    other.callcenter.waiting[names(company)] = 1
    sync()
    assert names(company) in home.callcenter.queues and len(home.callcenter.agents) == 2
    assert names(company) in other.callcenter.queues, "kept while a caller waits there"
    other.callcenter.waiting[names(company)] = 0
    sync()
    assert (other.callcenter.queues, other.callcenter.agents, other.callcenter.tiers) == ({}, {}, {})


def test_a_refused_command_is_reported(ctx, company, switch):
    publish(company, queue_tree(company))
    switch.callcenter.config = lambda queue: b'<document type="freeswitch/xml"><section name="result"><result status="not found"/></section></document>'
    report = report_of(switch, switch_sync.sync_all(current_app._get_current_object()))
    assert not report.ok
    assert report.errors[0] == f"callcenter_config queue load {names(company)}: -ERR Invalid Queue not found!"


@pytest.mark.parametrize("reply", ["-ERR callcenter_config Command not found!\n"])
def test_a_switch_without_mod_callcenter_is_reported(ctx, company, switch, reply):
    switch.server.api_replies.model.api = lambda command: reply
    report = report_of(switch, switch_sync.sync_all(current_app._get_current_object()))
    assert not report.ok and "SwitchError" in report.unreachable


def test_one_load_brings_every_queue_of_the_document_and_none_is_loaded_twice(ctx, company, switch):
    directory.update_group(company.tenant, company.group.id, {"ring_mode": "longest-idle"})
    db.session.commit()
    publish(company, queue_tree(company))
    sync()
    group_queue = f"t{company.tenant.id}_g{company.group.id}@default"
    assert sorted(switch.callcenter.queues) == sorted([group_queue, names(company)])
    assert [c for c in switch.sent() if " queue " in c] == [f"callcenter_config queue load {group_queue}"]
    assert switch.callcenter.double_loads == 0
    assert len(switch.callcenter.tiers) == 4


def test_agent_type_is_compared_as_mod_callcenter_does(ctx, company, switch):
    """`agent add ... Callback` keeps the case it was given (esl_api_replies.txt); strcasecmp decides."""
    publish(company, queue_tree(company))
    sync()
    switch.callcenter.agents[agent(company, "Ala")]["type"] = "Callback"
    assert sync()[0].commands == []
