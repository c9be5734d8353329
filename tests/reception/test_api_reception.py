"""The reception page's API against a fake switch speaking the captured protocol: the board, every
action's exact command and audit entry, another company's calls, and calls that end in between."""
from __future__ import annotations

import json

import pytest

from pbx import directory, models
from pbx.extensions import db
from pbx.messages import Message
from tests.conftest import sign_in
from tests.reception.conftest import CALLER, enters_queue, queue_of, start_switch, use_switches

PL = {"Accept-Language": "pl"}
DONE = Message("reception.done").as_json()


def refusal(answer) -> tuple[int, str, str]:
    """The status, the code and the English text of a refused action."""
    return answer.status_code, answer.get_json()["code"], answer.get_json()["error"]


def audit_entries(entity="Call") -> list[models.AuditLogEntry]:
    return list(db.session.scalars(db.select(models.AuditLogEntry).where(models.AuditLogEntry.entity == entity)
                                   .order_by(models.AuditLogEntry.id)))


def test_the_board_shows_the_waiting_caller_with_queue_number_branch_and_place(receptionist, waiting, demo):
    board = receptionist.get("/api/reception").get_json()
    assert board["waiting"] == [{
        "call": waiting["uuid"], "caller": "600 100 200", "caller_name": None, "main_number": "22 100 00 00",
        "branch": "Sprzedaż", "queue": "Sprzedaż", "position": 1, "since": board["waiting"][0]["since"]}]
    anna = next(user for user in board["users"] if user["name"] == "Anna Kowalska")
    assert anna["state"] == "available"  # she has a mobile number


def test_callers_are_shown_queue_by_queue_each_with_their_place_in_line(receptionist, waiting, switch, demo, published):
    accounting = next(g for g in demo.groups if g.name == "Księgowość")
    earlier = switch.calls.waiting(demo.id, "+48600100300", "48221000000", f"s{published.id}_main_menu")
    enters_queue(demo, earlier, f"t{demo.id}_g{accounting.id}@default", seconds_ago=90)
    later = switch.calls.waiting(demo.id, "+48600100400", "48221000000", f"s{published.id}_sales")
    enters_queue(demo, later, queue_of(demo), seconds_ago=10)
    board = receptionist.get("/api/reception").get_json()
    assert [(c["queue"], c["position"], c["caller"], c["branch"]) for c in board["waiting"]] == [
        ("Księgowość", 1, "600 100 300", "Menu główne"), ("Sprzedaż", 1, "600 100 200", "Sprzedaż"),
        ("Sprzedaż", 2, "600 100 400", "Sprzedaż")]


def test_a_caller_known_by_number_is_named_and_a_caller_no_longer_in_the_queue_is_not_shown(
        receptionist, waiting, switch, demo):
    waiting["cid_num"] = "+48502345678"  # Piotr Nowak's mobile
    assert receptionist.get("/api/reception").get_json()["waiting"][0]["caller_name"] == "Piotr Nowak"
    del switch.calls.channels[waiting["uuid"]]  # hung up; the listener has not written it yet
    assert receptionist.get("/api/reception").get_json()["waiting"] == []


def test_pick_up_sends_the_call_to_the_receptionists_own_extension_and_is_audited(receptionist, waiting, switch, demo,
                                                                                   owner):
    answer = receptionist.post(f"/api/reception/calls/{waiting['uuid']}/pickup", headers=PL)
    assert answer.status_code == 200 and answer.get_json()["message"] == "Połączenie jest przekazywane na Twój telefon."
    assert switch.actions() == [f"uuid_getvar {waiting['uuid']} centralka_tenant",
                                f"uuid_transfer {waiting['uuid']} 101 XML tenant_{demo.id}"]
    [entry] = audit_entries()
    assert (entry.tenant_id, entry.action, entry.entity_id, entry.actor) == (demo.id, "pickup", waiting["uuid"],
                                                                             owner.email)
    assert entry.changes == {"name": "600 100 200", "to": "Anna Kowalska", "result": DONE}
    [words] = receptionist.get("/api/audit?entity=Call", headers=PL).get_json()
    assert (words["who"], words["what"]) == ("Anna Kowalska", "Odebrano połączenie od 600 100 200")
    assert {f["label"]: f["after"] for f in words["fields"]} == {
        "Nazwa": "600 100 200", "Dokąd": "Anna Kowalska", "Wynik": "wykonano"}
    # it now rings Anna: the board shows it ringing, no longer waiting
    board = receptionist.get("/api/reception").get_json()
    assert board["waiting"] == [] and [(c["state"], c["with"]) for c in board["calls"]] == [
        ("ringing", ["Anna Kowalska"])]


@pytest.mark.parametrize("target, sent, words", [
    ({"user": "Tomasz"}, "104 XML tenant_{tenant}", "Tomasz Wójcik"),
    ({"group": "Sprzedaż"}, "200 XML tenant_{tenant}", "Sprzedaż"),
    ({"extension": "105"}, "105 XML tenant_{tenant}", "Magdalena Kamińska"),
    ({"number": "601 200 300"}, "bridge:sofia/gateway/carrier/48601200300 inline", "601 200 300"),
])
def test_a_blind_transfer_to_a_user_group_extension_or_outside_number(receptionist, waiting, switch, demo,
                                                                      target, sent, words):
    ids = {"user": {u.first_name: u.id for u in demo.users}, "group": {g.name: g.id for g in demo.groups}}
    body = {key: ids[key][value] if key in ids else value for key, value in target.items()}
    answer = receptionist.post(f"/api/reception/calls/{waiting['uuid']}/transfer", json=body)
    assert answer.get_json() == {"done": True, "message": f"the call was transferred to {words}",
                                 "code": "reception.transferred", "params": {"target": words}}
    assert switch.actions()[-1] == f"uuid_transfer {waiting['uuid']} {sent.format(tenant=demo.id)}"
    assert audit_entries()[-1].changes == {"name": "600 100 200", "to": words, "result": DONE}


def test_send_to_voicemail_and_hang_up(receptionist, waiting, switch, demo):
    box = demo_box(demo)
    answer = receptionist.post(f"/api/reception/calls/{waiting['uuid']}/voicemail", json={"box": box.id})
    assert answer.get_json()["message"] == f"the caller is leaving a message in {box.name}"
    assert switch.actions()[-1] == f"uuid_transfer {waiting['uuid']} voicemail_{box.id} XML tenant_{demo.id}"
    assert receptionist.post(f"/api/reception/calls/{waiting['uuid']}/hangup").status_code == 200
    assert switch.actions()[-1] == f"uuid_kill {waiting['uuid']} NORMAL_CLEARING"
    assert [e.action for e in audit_entries()] == ["voicemail", "hangup"]


def demo_box(demo) -> models.VoicemailBox:
    return db.session.scalars(db.select(models.VoicemailBox).where(models.VoicemailBox.tenant_id == demo.id)).first()


def test_a_caller_who_hung_up_before_the_click_gets_a_clear_answer_and_nothing_is_sent(receptionist, waiting, switch):
    del switch.calls.channels[waiting["uuid"]]
    answer = receptionist.post(f"/api/reception/calls/{waiting['uuid']}/pickup")
    assert refusal(answer) == (409, "reception.gone", Message("reception.gone"))
    assert switch.actions() == [f"uuid_getvar {waiting['uuid']} centralka_tenant"]
    assert audit_entries()[-1].changes["result"] == Message("reception.gone").as_json()
    polish = receptionist.post(f"/api/reception/calls/{waiting['uuid']}/pickup", headers=PL).get_json()["error"]
    assert polish == "To połączenie już się zakończyło: dzwoniący się rozłączył albo ktoś inny je odebrał."


def test_a_call_taken_by_someone_else_between_the_lookup_and_the_transfer(receptionist, waiting, switch):
    """FreeSWITCH answers the transfer with -ERR No such channel! (mod_commands.c transfer_function)."""
    lookup = switch.calls._uuid_getvar

    def answered_elsewhere_meanwhile(uuid, name):
        reply = lookup(uuid, name)
        switch.calls.channels.pop(uuid, None)
        return reply

    switch.calls._uuid_getvar = answered_elsewhere_meanwhile
    answer = receptionist.post(f"/api/reception/calls/{waiting['uuid']}/hangup")
    assert refusal(answer)[:2] == (409, "reception.gone")
    assert switch.actions()[-1] == f"uuid_kill {waiting['uuid']} NORMAL_CLEARING"


def test_another_companys_call_is_refused_and_untouched(receptionist, waiting, switch, stranger):
    theirs = switch.calls.waiting(stranger.tenant_id, "+48600999888", "48223330000", "s1_sales")
    answer = receptionist.post(f"/api/reception/calls/{theirs['uuid']}/hangup")
    assert refusal(answer)[:2] == (404, "reception.not_ours")
    assert switch.actions() == [f"uuid_getvar {theirs['uuid']} centralka_tenant"]
    assert theirs["uuid"] not in json.dumps(receptionist.get("/api/reception").get_json())


@pytest.mark.parametrize("url, body, message", [
    ("/api/reception/calls/1;2/hangup", {}, "'1;2' is not a call id"),
    ("/api/reception/calls/{uuid}/transfer", {"extension": "101 XML public"},
     "extension '101 XML publ' belongs to nobody in this company"),
    ("/api/reception/calls/{uuid}/transfer", {"extension": "999"}, "extension '999' belongs to nobody in this company"),
    ("/api/reception/calls/{uuid}/transfer", {"number": "${sofia_contact(1000)}"},
     "'${sofia_contact(1000)}' is not a phone number: letters are not allowed"),
    ("/api/reception/calls/{uuid}/transfer", {"user": 1, "number": "601200300"},
     "choose one place to send the call: user, group, extension, number or box"),
])
def test_what_a_company_types_never_reaches_a_command(receptionist, waiting, switch, url, body, message):
    answer = receptionist.post(url.format(uuid=waiting["uuid"]), json=body)
    assert (answer.status_code, answer.get_json()["error"]) == (400, message)
    assert switch.actions() == []


def test_only_receptionists_may_use_the_page_and_a_receptionist_sees_nothing_else(client, demo, switch, editor):
    sign_in(client, editor)
    refused = client.get("/api/reception")
    assert refused.status_code == 403 and "receptionists" in refused.get_json()["error"]
    desk = directory.add_user(demo, {"first_name": "Renata", "last_name": "Recepcja", "receptionist": True,
                                     "email": "renata@firma-abc.example", "extension": "110"})
    db.session.commit()
    client.post("/api/auth/logout")
    sign_in(client, desk)  # not an admin, yet she signs in
    assert client.get("/api/auth/me").get_json()["receptionist"] is True
    assert client.get("/api/reception").status_code == 200
    assert client.get("/api/users").status_code == 403


def test_log_a_queue_member_out_pause_and_back_in(receptionist, switch, demo):
    piotr = demo.users[1]
    agent = f"t{demo.id}_g{demo.groups[0].id}_u{piotr.id}@default"
    switch.calls.callcenter._agent_add(agent, "callback")
    switch.calls.callcenter.agents[agent]["status"] = "Available"
    user = next(u for u in receptionist.get("/api/reception").get_json()["users"] if u["id"] == piotr.id)
    assert user["queues"] == [{"agent": agent, "queue": "Sprzedaż", "status": "available"}]
    for status, sent, shown in (("logged_out", "'Logged Out'", "Logged Out"), ("on_break", "'On Break'", "On Break"),
                                ("available", "Available", "Available")):
        answer = receptionist.post(f"/api/reception/agents/{agent}/status", json={"status": status})
        assert answer.status_code == 200, answer.get_json()
        assert switch.actions()[-1] == f"callcenter_config agent set status {agent} {sent}"
        assert switch.calls.callcenter.agents[agent]["status"] == shown
    assert receptionist.post(f"/api/reception/agents/{agent}/status", json={"status": "on_break"},
                             headers=PL).get_json()["message"] == "Piotr Nowak ma przerwę w kolejce Sprzedaż."
    assert [(e.action, e.changes["name"]) for e in audit_entries("QueueAgent")][:1] == [
        ("logged_out", "Piotr Nowak → Sprzedaż")]


def test_with_two_switches_the_status_is_set_on_the_one_holding_the_agent(ctx, receptionist, switch, demo):
    """Switch sync puts a company's agents on its home switch only; the other answers "not found"."""
    other = start_switch()
    try:
        use_switches(ctx, [other, switch])
        agent = f"t{demo.id}_g{demo.groups[0].id}_u{demo.users[1].id}@default"
        answer = receptionist.post(f"/api/reception/agents/{agent}/status", json={"status": "on_break"})
        assert answer.status_code == 502, "held by neither switch"
        switch.calls.callcenter._agent_add(agent, "callback")
        answer = receptionist.post(f"/api/reception/agents/{agent}/status", json={"status": "on_break"})
        assert answer.status_code == 200, answer.get_json()
        assert switch.calls.callcenter.agents[agent]["status"] == "On Break"
        assert other.actions()[-1] == f"callcenter_config agent set status {agent} 'On Break'"
        other.server.stop()  # a switch away still fails the change: it may hold the agent
        answer = receptionist.post(f"/api/reception/agents/{agent}/status", json={"status": "available"})
        assert answer.status_code == 503
    finally:
        other.server.stop()


def test_another_companys_queue_member_is_refused(receptionist, switch, demo, stranger):
    agent = f"t{stranger.tenant_id}_g1_u{stranger.id}@default"
    answer = receptionist.post(f"/api/reception/agents/{agent}/status", json={"status": "logged_out"})
    assert answer.status_code == 404 and switch.actions() == []


def test_the_stream_sends_the_board_and_holds_at_most_the_set_number_of_threads(ctx, receptionist, waiting):
    ctx.config.update(RECEPTION_STREAMS=1, RECEPTION_STREAM_SECONDS=30)
    first = receptionist.get("/api/reception/stream", buffered=False)
    assert first.mimetype == "text/event-stream"
    chunks = iter(first.response)
    assert next(chunks).startswith(b"retry: ")
    data = next(chunks).decode()
    assert data.startswith("data: ") and json.loads(data[6:])["waiting"][0]["call"] == waiting["uuid"]
    second = receptionist.get("/api/reception/stream")
    assert second.status_code == 503 and "too many reception pages" in second.get_json()["error"]
    first.close()
    third = receptionist.get("/api/reception/stream", buffered=False)
    assert third.status_code == 200
    third.close()


def test_an_announced_transfer_dials_the_target_from_the_receptionists_own_phone(receptionist, waiting, switch, demo):
    """Anna took the call on her SIP phone; att_xfer runs on her leg, the caller holds meanwhile."""
    waiting["application"] = "bridge"
    leg = switch.calls.ringing(waiting, dest="101", presence_id=f"101@t{demo.id}.pbx.local", callstate="ACTIVE")["uuid"]
    url = f"/api/reception/calls/{waiting['uuid']}/announce"
    answer = receptionist.post(url, json={"extension": "105"}, headers=PL)
    assert answer.get_json()["message"] == ("Twój telefon dzwoni do: Magdalena Kamińska. Przedstaw dzwoniącego i odłóż "
                                            "słuchawkę, by ich połączyć, albo naciśnij #, by wrócić do dzwoniącego.")
    assert switch.actions() == [f"uuid_getvar {leg} centralka_tenant",
                                f"uuid_broadcast {leg} att_xfer::loopback/105/tenant_{demo.id} aleg"]
    assert receptionist.post(url, json={"number": "601 200 300"}).status_code == 200
    assert switch.actions()[-1] == f"uuid_broadcast {leg} att_xfer::sofia/gateway/carrier/48601200300 aleg"
    assert [(e.action, e.entity_id, e.changes["to"]) for e in audit_entries()] == [
        ("announce", waiting["uuid"], "Magdalena Kamińska"), ("announce", waiting["uuid"], "601 200 300")]


def test_a_call_is_announced_only_by_the_one_talking_on_it(receptionist, waiting, switch, demo):
    switch.calls.ringing(waiting, dest="104", presence_id=f"104@t{demo.id}.pbx.local", callstate="ACTIVE")
    answer = receptionist.post(f"/api/reception/calls/{waiting['uuid']}/announce", json={"extension": "105"})
    assert refusal(answer)[:2] == (409, "reception.not_talking")
    assert switch.actions() == []
