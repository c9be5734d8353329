"""Test call: play a call through the dialplan the endpoint serves, exactly as FreeSWITCH would.

Every dialplan hunt of the simulated call (the carrier's first hunt in `public`, each
`transfer` re-hunt in the tenant's context), callcenter.conf and the caller's SIP directory
entry are POSTed to `/xml_curl` of the running app, as mod_xml_curl would post them. A draft
is compiled in memory and laid over the endpoint's document in place of the published version.

    test_call(tenant, number, caller, at, keys, app=app, no_answer=[...], busy=[...], unreachable=[...],
              answer=[...], busy_until={name: seconds}, waiting=[seconds, ...], phone_transfers=[(seconds, "*1103")],
              draft=False,
              hangup_after=None, talk=TALK, speech=SPEECH, seed=0, switch_timezone="UTC",
              sounds_dir=SOUNDS_DIR, recordings_dir=None, fax_pages=None) -> TestCall

People are named by full name, first or last name (when unique), extension or phone number;
a group name stands for all its members. Nobody answers unless named in `answer`: whoever
answers picks up after ANSWER_AFTER seconds and talks for `talk` seconds (TALK by default);
someone busy until a moment answers when rung after it. Callers `waiting` in a queue are served
first, and the event listener's announcements reach the caller at the seconds it would send them.

The package by role: `request` reads what is asked (keys, time, people, the caller), `endpoint`
asks `/xml_curl` as the switch would (with a draft laid over), `keys` places untimed keys at
the menus the call reaches, `call` plays it through the simulator, `report` words each stop
through its node kind's `wording` hook.
"""
from pbx.nodes.walk import nodes_by_id
from pbx.testcall.call import ANSWER_AFTER, SOUNDS_DIR, SPEECH, TALK, test_call
from pbx.testcall.endpoint import DraftOverlay, Endpoint
from pbx.testcall.report import Book, TestCall, describe
from pbx.testcall.errors import TestCallInputError
from pbx.testcall.request import (People, check_folder, check_zone, parse_at, parse_busy_until, parse_keys,
                                  parse_seconds, parse_transfers, phone_or_none, scenario_of)

__all__ = ["ANSWER_AFTER", "SOUNDS_DIR", "SPEECH", "TALK", "Book", "DraftOverlay", "Endpoint", "People", "TestCall",
           "TestCallInputError", "check_folder", "check_zone", "describe", "nodes_by_id", "parse_at",
           "parse_busy_until", "parse_keys", "parse_seconds", "parse_transfers", "phone_or_none", "scenario_of",
           "test_call"]
