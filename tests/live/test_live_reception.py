"""Opt-in: the reception page's actions on a real FreeSWITCH.

A caller from the carrier waits in a queue whose only member is never reached. The receptionist
(the API token's owner, who has the receptionist right, as Anna Kowalska in the demo) finds the
caller on the reception board and picks the call up: the panel's reception API, the same code the
page calls, sends it to her desk phone over the event socket. Her phone (SIPp, registered with her
directory credentials) answers; she then transfers the talking call blind to a colleague, whose
desk phone answers. After each step the switch's own channels must show the caller bridged to
that phone, and at the end the one call record the listener wrote must have taken the queue's
path, be answered by the receptionist and hold the colleague's leg.

Needs the settings of test_live_desk_phones.py (CENTRALKA_LIVE_PHONES, CENTRALKA_LIVE_API,
CENTRALKA_LIVE_API_TOKEN of an owner with the receptionist right and an extension), and the
listener of that Centralka running (the board's waiting list and the call record come from it).

    CENTRALKA_LIVE_RECEPTION_NUMBER=48221000910      the main number the test adds (once) and calls
"""
from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path
from urllib.error import HTTPError

import pytest

from tests.live.harness import (API, API_TOKEN, CARRIER, LIVE_SIP, NEEDS_SWITCH, Phone, Recorder, a_leg_of, api,
                                destroyed, gateway_up, received_invites, sipp, stop, uac_scenario, uas_scenario)
from tests.live.test_live_desk_phones import PHONES, Company, register

NUMBER = os.environ.get("CENTRALKA_LIVE_RECEPTION_NUMBER", "48221000910")
MEMBER_PHONE = "+48501000910"  # the queue's member, rung through the carrier, never answers
RECEPTIONIST_PORT, COLLEAGUE_PORT = "15080", "15090"
HANG_UP = 60.0  # seconds from the answer to the caller's BYE: time enough for both steps

pytestmark = [*NEEDS_SWITCH, pytest.mark.skipif(
    not (API and API_TOKEN), reason="reception: set CENTRALKA_LIVE_API and CENTRALKA_LIVE_API_TOKEN")]


def queue_line(company: Company) -> dict:
    """The main number whose scenario queues the caller for one member who never answers (added once)."""
    number = "+" + NUMBER
    users = api("GET", "/api/users")
    member = next((u for u in users if u.get("phone") == MEMBER_PHONE), None) or api("POST", "/api/users", {
        "first_name": "Kolejka", "last_name": "Recepcji", "phone": MEMBER_PHONE, "email": "recepcja-kolejka@live.example"})
    line = next((n for n in api("GET", "/api/main-numbers") if n["number"] == number), None) \
        or api("POST", "/api/main-numbers", {"number": number})
    root = {"id": "waits", "kind": "forward", "name": "Czeka na recepcję", "target": {"user": member["id"]},
            "ring_seconds": 20, "queue": {"max_wait_seconds": 300},
            "no_answer": {"id": "bye", "kind": "hangup", "name": "Koniec"}}
    api("PUT", f"/api/main-numbers/{line['id']}/scenario/draft", {"name": "Recepcja na żywo", "root": root})
    api("POST", f"/api/main-numbers/{line['id']}/scenario/publish")
    return line


def until(what, timeout: float, every: float = 0.5):
    """`what()` once it is truthy, else its last value after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        found = what()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(every)


def reception(path: str, body: dict | None = None) -> dict:
    """The reception API as the page calls it; a refusal is returned with its status, not raised."""
    try:
        return api("POST" if body is not None else "GET", f"/api/reception{path}", body)
    except HTTPError as error:
        return {"status": error.code, **json.loads(error.read() or b"{}")}


def peer(recorder: Recorder, uuid: str) -> dict | None:
    """The channel `uuid` is bridged to, as the switch's channel table has it (None when not bridged)."""
    other = recorder.api(f"uuid_getvar {uuid} bridge_uuid")
    if not other or other.startswith("-ERR") or other == "_undef_":
        return None
    rows = json.loads(recorder.api("show channels as json")).get("rows") or []
    return next((row for row in rows if row.get("uuid") == other), None)


def answered_on(recorder: Recorder, uuid: str, extension: str) -> dict | None:
    row = peer(recorder, uuid)
    ours = row and row.get("callstate") == "ACTIVE" and f"/{extension}@" in (row.get("name") or "") + "@"
    return row if ours else None


def desk_phone(recorder: Recorder, company: Company, user: dict, port: str, folder: Path):
    """`user`'s desk phone registered and answering (after harness.ANSWER_AFTER s) every call to it."""
    phone: Phone = company.phone(user)
    register(recorder, phone, port, folder)
    return sipp(["-i", "127.0.0.1", "-p", port, "-mi", "127.0.0.1", "-mp", str(int(port) + 1000)],
                uas_scenario([phone.extension], f"desk_{phone.extension}"), folder, f"desk_{phone.extension}")


def call_record(caller: str, user: int | None = None, timeout: float = 30.0) -> dict | None:
    """The ended call of `caller` in the call history (only among `user`'s calls when given)."""
    def found():
        calls = api("GET", f"/api/calls?q={caller}&per_page=5" + (f"&user={user}" if user else ""))
        rows = calls["calls"] if isinstance(calls, dict) else calls
        return next((c for c in rows if c["caller"].lstrip("+") == caller and c["ended_at"]), None)
    return until(found, timeout, every=1.0)


def test_receptionist_picks_up_a_waiting_caller_and_transfers_the_call_blind(tmp_path):
    company = Company()
    recorder = Recorder()
    processes = []
    try:
        me = api("GET", "/api/auth/me")
        receptionist = next(u for u in api("GET", "/api/users") if u["id"] == me["user_id"])
        assert receptionist["receptionist"] and receptionist["extension"], receptionist
        queue_line(company)
        colleague = company.add_user("Renata", phone=None)
        processes += [desk_phone(recorder, company, receptionist, RECEPTIONIST_PORT, tmp_path),
                      desk_phone(recorder, company, colleague, COLLEAGUE_PORT, tmp_path)]
        carrier_host, carrier_port = CARRIER.rsplit(":", 1)
        processes.append(sipp(["-i", carrier_host, "-p", carrier_port, "-mi", carrier_host, "-mp", "16340"],
                              uas_scenario([]), tmp_path, "uas"))
        assert gateway_up(recorder, 40), recorder.api("sofia status gateway carrier")

        caller = f"4860{random.randrange(10**7):07d}"
        call_id = f"live-reception-{int(time.time())}-"
        uac = sipp([LIVE_SIP, "-m", "1", "-cid_str", call_id + "%u@%s", "-i", "127.0.0.1", "-p", "15066",
                    "-mi", "127.0.0.1", "-mp", "16360"], uac_scenario(NUMBER, caller, [], HANG_UP, HANG_UP + 30),
                   tmp_path, "uac")
        processes.append(uac)
        assert recorder.wait(lambda ev: a_leg_of(ev, call_id) is not None, 15), "no channel ran the dialplan"
        uuid = a_leg_of(recorder.events, call_id)

        # The board shows the caller waiting, by the channel's uuid.
        waiting = until(lambda: [w for w in reception("")["waiting"] if w["call"] == uuid], 20)
        assert waiting, f"the caller {uuid} never showed as waiting: {reception('')}"
        assert recorder.api(f"uuid_getvar {uuid} current_application") == "callcenter"

        picked = reception(f"/calls/{uuid}/pickup", {})
        assert picked.get("done") is True, picked
        mine = until(lambda: answered_on(recorder, uuid, receptionist["extension"]), 20)
        assert mine, f"the caller is not talking with the receptionist's phone: {peer(recorder, uuid)}"
        assert received_invites(tmp_path, f"desk_{receptionist['extension']}"), "her desk phone was never rung"
        board = until(lambda: [c for c in reception("")["calls"] if c["call"] == uuid and c["state"] == "talking"], 10)
        assert board and board[0]["user_ids"] == [receptionist["id"]], reception("")

        time.sleep(2)  # a few words with the caller first
        moved = reception(f"/calls/{uuid}/transfer", {"user": colleague["id"]})
        assert moved.get("done") is True, moved
        theirs = until(lambda: answered_on(recorder, uuid, colleague["extension"]), 20)
        assert theirs, f"the caller is not talking with the colleague's phone: {peer(recorder, uuid)}"
        assert recorder.wait(lambda ev: destroyed(ev, mine["uuid"]), 10), "the receptionist's leg is still up"
        board = until(lambda: [c for c in reception("")["calls"] if c["call"] == uuid and c["state"] == "talking"], 10)
        assert board and board[0]["user_ids"] == [colleague["id"]], reception("")

        assert recorder.wait(lambda ev: destroyed(ev, uuid), HANG_UP + 30), "the call did not end"
        uac.wait(timeout=10)
        record = call_record(caller)
        assert record, f"no call record for {caller}"
        assert record["path"] and record["path"][0] == "waits", record
        # Answered by whoever answered first; the colleague's leg is on the same record.
        assert record["answered_by"] == f"{receptionist['first_name']} {receptionist['last_name']}", record
        assert call_record(caller, colleague["id"]) == record
        # The reception's steps are not in the scenario path; the audit log has them on the call.
        done = [(e["action"], e["changes"]["result"]["code"]) for e in api("GET", "/api/audit?entity=Call")
                if e["entity_id"] == uuid]
        assert done == [("transfer", "reception.done"), ("pickup", "reception.done")], done
    finally:
        for process in processes:
            stop(process)
        recorder.close()
        company.remove_created()
