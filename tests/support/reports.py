"""Calls whose every report figure is counted by hand (tests/reports, the API and the browser tests)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pbx import models
from pbx.extensions import db
from pbx.reports import hourly


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def add_reported_calls(demo) -> None:
    """Firma ABC's calls around the autumn clock change (2026-10-25 in Warsaw has 25 hours), for the reports.

    On the 25th: A and D answered by Piotr Nowak (waits 10 and 30 s), B left a voicemail, C hung up while
    waiting (abandoned), Y missed; C's number was called back and answered later that day. F is the last
    second of the 24th, E the first of the 26th (local time). One queue saw four callers: A and D answered
    after 5 and 25 s, B timed out, C hung up.
    """
    db.session.commit()  # a company just made: its numbers and users are read back
    db.session.expire_all()
    piotr, number = demo.users[1], demo.main_numbers[0].number

    def call(uuid, started, caller, answered_after=None, talk=0, side="system", path=(), direction="in",
             destination=""):
        start = at(started)
        answered = start + timedelta(seconds=answered_after) if answered_after is not None else None
        return models.CallRecord(
            tenant_id=demo.id, call_uuid=uuid, direction=direction, main_number=number, caller=caller,
            destination=destination, started_at=start, answered_at=answered,
            answered_by_user_id=piotr.id if answered and direction == "in" else None,
            wait_seconds=answered_after or 0, talk_seconds=talk, hangup_side=side, path=list(path))

    open_menu = ["hours:open", "welcome"]
    db.session.add_all([
        call("A", "2026-10-24T22:00:00", "+48600000001", 10, 60, path=[*open_menu, "main_menu:1", "sales"]),
        call("B", "2026-10-25T00:30:00", "+48600000002", path=[*open_menu, "main_menu:1", "sales:no_answer", "vm_sales"]),
        call("C", "2026-10-25T01:30:00", "+48600000003", side="caller", path=open_menu),
        call("Y", "2026-10-25T09:00:00", "+48600000009", path=["hours:closed", "closed", "vm_closed"]),
        call("back", "2026-10-25T10:00:00", "+48221000000", 5, 30, direction="out", destination="+48600000003"),
        call("D", "2026-10-25T22:59:59", "+48600000001", 30, 40, path=[*open_menu, "main_menu:2", "accounting"]),
        call("E", "2026-10-25T23:00:00", "+48600000001", 5, 20, path=[*open_menu, "main_menu:1", "sales"]),
        call("F", "2026-10-24T21:59:59", "+48600000004", path=open_menu),
        models.Recording(tenant_id=demo.id, call_uuid="B", kind="voicemail", caller="+48600000002",
                         local_path="/recordings/B.wav", expires_at=at("2027-01-01T00:00:00")),
    ])
    queue = f"t{demo.id}_s{demo.main_numbers[0].scenario.id}_sales"
    for uuid, kind, wait in [("A", "entered", 0), ("A", "answered", 5), ("B", "entered", 0), ("B", "timeout", 40),
                             ("C", "entered", 0), ("C", "abandoned", 12), ("D", "entered", 0), ("D", "answered", 25)]:
        db.session.add(models.QueueEvent(tenant_id=demo.id, queue=queue, call_uuid=uuid, kind=kind,
                                         at=at("2026-10-25T08:00:00"), wait_seconds=wait))
    db.session.flush()
    hourly.backfill(db.session, demo.id)  # counted per hour, as the record writer counts arriving calls
