"""Shared test material: a directory snapshot, tree builders and a simulated call through our XML."""
from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from lxml import etree

from pbx.compiler import compile_tree, emit
from pbx.compiler.internal import internal_extensions
from pbx.compiler.ondemand import ondemand_extensions
from pbx.compiler.transfers import transfer_extensions
from pbx.dialplan.snapshot import (AnnouncementInfo, BoxInfo, DirectorySnapshot, GroupInfo, MainNumberInfo,
                                   MemberInfo, NumberListInfo, QuestionInfo, SurveyInfo, UserInfo)

WARSAW = ZoneInfo("Europe/Warsaw")
ANNA, PIOTR, KASIA, DESK = "sofia/gateway/carrier/48501234567", "sofia/gateway/carrier/48502345678", \
    "sofia/gateway/carrier/48503456789", "user/104@t3.pbx.local"


def snapshot(**changes) -> DirectorySnapshot:
    base = dict(
        tenant_id=3, sip_domain="t3.pbx.local", today=date(2026, 3, 1),
        users={1: UserInfo(1, "101", "+48501234567", may_present_main_number=True),
               2: UserInfo(2, "102", "+48502345678", record_calls=True),
               3: UserInfo(3, "103", "+48503456789"), 4: UserInfo(4, "104", None)},
        groups={10: GroupInfo(10, "200", "sequential", False, (MemberInfo(1, 20), MemberInfo(2, 15))),
                11: GroupInfo(11, "300", "simultaneous", False, (MemberInfo(1, 30), MemberInfo(3, 30))),
                12: GroupInfo(12, "400", "random", False, (MemberInfo(1, 20), MemberInfo(3, 20), MemberInfo(4, 20))),
                13: GroupInfo(13, "500", "longest-idle", False, (MemberInfo(1, 20), MemberInfo(3, 25))),
                14: GroupInfo(14, "600", "sequential", False, ())},
        announcements={5: AnnouncementInfo(5), 6: AnnouncementInfo(6), 7: AnnouncementInfo(7, "en")},
        boxes={9: BoxInfo(9, 6, 120), 8: BoxInfo(8, None, 60)},
        lists={20: NumberListInfo(20, "blacklist", ("+48221999999", "+4930*")),
               21: NumberListInfo(21, "vip", ("+48600100200",))},
        main_numbers={1: MainNumberInfo(1, "+48221000000", True), 2: MainNumberInfo(2, "+48221000001", False, 1, None)},
        surveys={30: SurveyInfo(30, (QuestionInfo(5, "12345", 2), QuestionInfo(6, "12", 1)), 4, comment_prompt_id=6,
                                comment_seconds=45, thanks_prompt_id=5, name="Po rozmowie")},
    )
    base.update(changes)
    return DirectorySnapshot(**base)


def tree(root: dict, name: str = "test") -> dict:
    return {"name": name, "root": root}


def hangup(node_id="bye", **extra) -> dict:
    return {"id": node_id, "kind": "hangup", **extra}


def compiled(root: dict, snap=None, **ids):
    ids = {"scenario_id": 5, "version_id": 8, "main_number_id": 1, **ids}
    return compile_tree(tree(root), snap or snapshot(), **ids)


def tenant_xml(root: dict, snap=None) -> bytes:
    """What the endpoint would serve: the compiled scenario plus the directory extensions."""
    snap = snap or snapshot()
    xml = compiled(root, snap).xml
    stored = list(etree.fromstring(xml).iterfind("section/context/extension"))
    return emit.document(snap.context, stored + internal_extensions(snap, {1}) + transfer_extensions(snap)
                          + ondemand_extensions(snap))


def applications(xml: bytes, extension_name: str | None = None) -> list[tuple[str, str]]:
    root = etree.fromstring(xml)
    path = "section/context/extension" + (f"[@name='{extension_name}']" if extension_name else "")
    return [(a.get("application"), a.get("data", "")) for a in root.iterfind(path + "//action")]


def split_dial_legs(group: str) -> list[str]:
    """`,` outside `[...]`: switch_ivr_originate.c escapes commas inside per-leg brackets first."""
    return [leg for leg in re.split(r",(?![^\[]*\])", group)]


def call(root: dict, *, at: datetime, snap=None, keys=(), legs=None, destination="main_1", caller="48221234567",
         server_zone="UTC", variables=None, queues=None, **world):
    """Simulate a call to the main number through the tenant document (``queues``: callcenter.conf)."""
    from pbx.simulator import World, fetch_from_document, simulate
    from xml_curl.configuration import callcenter_document
    w = World(start=at, caller=caller, keypresses=list(keys), legs=legs or {}, **world)
    return simulate(fetch_from_document(tenant_xml(root, snap)), w, context="tenant_3", destination=destination,
                    switch_timezone=server_zone, variables=variables,
                    callcenter_conf=callcenter_document(queues) if queues is not None else None)


def path_of(result) -> list[str]:
    return [p for p in result.variables.get("centralka_path", "").split(";") if p]


def big_tree(group, box, prompt, menus=20):
    """200 nodes: a schedule, 16 greetings, then menus of forwards with voicemail fallbacks."""
    options = {}
    root = {"id": "h", "kind": "schedule", "holidays": "pl", "week": {"mon": [["08:00", "16:00"]]},
            "closed": {"id": "closed", "kind": "voicemail", "box": box}}
    top = {"id": "top", "kind": "menu", "prompt": prompt, "direct_dial": True, "options": options,
           "no_input": {"id": "top_end", "kind": "hangup"}}
    root["open"] = top
    for i in range(16):
        root["open"] = {"id": f"greet{i}", "kind": "announcement", "prompt": prompt, "next": root["open"]}
    for m in range(9):
        sub = {"id": f"m{m}", "kind": "menu", "prompt": prompt, "options": {}, "no_input": {"id": f"m{m}_x", "kind": "hangup"}}
        for k in range(9):
            sub["options"][str(k + 1)] = {"id": f"f{m}_{k}", "kind": "forward", "target": {"group": group},
                                          "no_answer": {"id": f"v{m}_{k}", "kind": "voicemail", "box": box}}
        options[str(m + 1)] = sub
    return root
