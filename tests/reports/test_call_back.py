"""The call-back list against its definition applied here to random calls, on both databases: read a few
rows a page (pages end within a second shared by many calls), over periods and list lengths."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

from pbx import models
from pbx.extensions import db
from pbx.reports import Period, callback
from pbx.reports.tables import table

START = datetime(2026, 10, 1, tzinfo=timezone.utc)


def _calls(draw: random.Random, numbers: list[str]) -> list[dict]:
    calls = []
    for n in range(400):
        started = START + timedelta(seconds=draw.randrange(60 * 86400))
        if n % 40 == 0:  # a burst: many calls in one second
            started = START + timedelta(days=20, hours=9)
        direction = draw.choice(["in"] * 5 + ["out"])
        party = draw.choice(numbers)
        calls.append({"uuid": f"c{n}", "direction": direction, "caller": party if direction == "in" else "+48221000000",
                      "destination": "+48221000000" if direction == "in" else party, "started": started,
                      "answered": draw.random() < 0.4, "side": draw.choice(["caller", "system"]),
                      "number": draw.choice(["+48221000000", "+48229999999"])})
    return calls


def _expected(calls: list[dict], period: Period, limit: int) -> list[dict]:
    """The definition: a number whose last unanswered incoming call of the period was not followed by an
    answered call from or to it; the attempts are its unanswered calls of the period since it was last reached."""
    reached: dict = {}
    for call in calls:
        if call["answered"]:
            number = call["caller"] if call["direction"] == "in" else call["destination"]
            reached[number] = max(reached.get(number, call["started"]), call["started"])
    unanswered = [call for call in calls if call["direction"] == "in" and not call["answered"]
                  and period.start <= call["started"] < period.end
                  and (not period.main_number or call["number"] == period.main_number)]
    last: dict = {}
    for call in unanswered:
        if call["caller"] not in last or call["started"] >= last[call["caller"]]["started"]:
            last[call["caller"]] = call
    rows = []
    for number, call in last.items():
        since = reached.get(number)
        if since is None or since <= call["started"]:
            attempts = sum(1 for other in unanswered if other["caller"] == number
                           and (since is None or other["started"] >= since))
            rows.append({"caller": number, "attempts": attempts, "last_call": call["started"].isoformat(),
                         "last_outcome": "abandoned" if call["side"] == "caller" else "missed"})
    return sorted(rows, key=lambda row: (-datetime.fromisoformat(row["last_call"]).timestamp(),
                                         row["caller"]))[:limit]


def test_the_list_is_its_definition_page_by_page(demo, monkeypatch):
    draw = random.Random(5)
    calls = _calls(draw, [f"+486000000{n:02d}" for n in range(40)])
    db.session.add_all(models.CallRecord(
        tenant_id=demo.id, call_uuid=call["uuid"], direction=call["direction"], caller=call["caller"],
        destination=call["destination"], main_number=call["number"], started_at=call["started"],
        answered_at=call["started"] + timedelta(seconds=3) if call["answered"] else None, hangup_side=call["side"])
        for call in calls)
    db.session.commit()
    monkeypatch.setattr(callback, "BATCH", 3)
    periods = [Period(date(2026, 10, 1), date(2026, 11, 30)), Period(date(2026, 10, 21), date(2026, 10, 21)),
               Period(date(2026, 10, 5), date(2026, 11, 10), "Europe/Warsaw", "+48229999999")]
    for period in periods:
        for limit in (1, 5, 200):
            assert table(db.session, demo.id, period, "call-back", limit=limit) == _expected(calls, period, limit), (
                period, limit)
