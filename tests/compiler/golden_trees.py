"""One small tree per node kind: the golden files' inputs."""
from tests.support.compiler import hangup

TREES = {
    "schedule": {"id": "hours", "kind": "schedule", "week": {"mon": [["08:00", "16:00"]], "sat": [["09:00", "12:00"]]},
                 "holidays": "pl", "exceptions": [{"date": "2026-12-31", "hours": [["08:00", "12:00"]]}],
                 "open": hangup("open_end"), "closed": hangup("closed_end")},
    "announcement": {"id": "hello", "kind": "announcement", "prompt": 5, "repeat": 2, "next": hangup()},
    "menu": {"id": "m", "kind": "menu", "prompt": 5, "direct_dial": True, "options": {"1": hangup("one"), "*": hangup("star")},
             "no_input": hangup("silent"), "invalid": {"id": "again", "kind": "goto", "target": "m"}},
    "forward": {"id": "fw", "kind": "forward", "target": {"group": 12}, "no_answer": {"id": "vm", "kind": "voicemail", "box": 9},
                "busy": hangup("engaged")},
    "queue": {"id": "q", "kind": "forward", "target": {"group": 10}, "queue": {"max_wait_seconds": 120},
              "no_answer": hangup()},
    # Only the count of people ahead, every 45 s, in the male voice.
    "queue_announcing": {"id": "q", "kind": "forward", "target": {"group": 10}, "no_answer": hangup(), "queue": {
        "max_wait_seconds": 300, "announce_place": False, "announce_every_seconds": 45, "voice": "male"}},
    "voicemail": {"id": "vm", "kind": "voicemail", "box": 9},
    # A menu option that takes faxes: key 9 answers as a fax machine.
    "fax": {"id": "m", "kind": "menu", "prompt": 5, "options": {"9": {"id": "fax_in", "kind": "fax", "box": 9}},
            "no_input": {"id": "fax_silent", "kind": "fax", "box": 8}},
    "caller_condition": {"id": "bl", "kind": "caller_condition", "list": 20, "otherwise": hangup()},
    "hangup": {"id": "bye", "kind": "hangup", "prompt": 6},
    "goto": {"id": "top", "kind": "announcement", "prompt": 5, "next": {
        "id": "m", "kind": "menu", "prompt": 5, "options": {"1": hangup()}, "no_input": {"id": "back", "kind": "goto", "target": "top"}}},
    # Holiday wishes from Christmas Eve noon to the morning after Boxing Day, then the menu.
    "occasional": {"id": "xmas", "kind": "occasional", "prompt": 5, "start": "2026-12-24T12:00",
                   "end": "2026-12-27T08:00", "next": hangup("menu")},
    # Callers on the VIP list greeted in the first week of March only.
    "personal": {"id": "vip_hello", "kind": "personal", "prompt": 6, "list": 21, "start": "2026-03-01T00:00",
                 "end": "2026-03-08T00:00", "next": hangup("menu")},
    # One receptionist for "no input" and "invalid", emitted once.
    "shared_target": {"id": "m", "kind": "menu", "prompt": 5, "options": {
        "0": {"id": "reception", "kind": "forward", "target": {"user": 1}, "no_answer": {"id": "vm", "kind": "voicemail", "box": 9}}},
        "no_input": {"id": "silent", "kind": "goto", "target": "reception"},
        "invalid": {"id": "wrong", "kind": "goto", "target": "reception"}},
    # Two answers, the fallback, and targets the server may name.
    "server": {"id": "router", "kind": "server", "url": "https://crm.example.com/centralka?x=${y}", "timeout_ms": 1200,
               "target_user": True, "target_number": True, "answers": {"sales": hangup("to_sales"), "vip": hangup("to_vip")},
               "fallback": hangup("no_server")},
    # After the call the caller answers survey 30: two questions, a comment, thanks.
    "forward_survey": {"id": "fw", "kind": "forward", "target": {"user": 1}, "survey": 30, "no_answer": hangup()},
    "queue_survey": {"id": "q", "kind": "forward", "target": {"group": 10}, "queue": {"max_wait_seconds": 120},
                     "survey": 30, "no_answer": hangup()},
}
