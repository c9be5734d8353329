"""The call-back list: numbers whose incoming call in the period was not answered and who have not been
reached since (no later answered call from them, no later answered call of ours to them), latest first.

The unanswered calls are read newest first, a batch at a time, and each batch's new numbers are checked
for a later answered call, until the list is full: the work follows the list's length, not the number of
calls in the period (checking every unanswered call of a year took a second over a million records).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from pbx import models
from pbx.calls.store import aware
from pbx.reports.calls import conditions
from pbx.reports.outcomes import outcome
from pbx.reports.period import Period

CALL = models.CallRecord
BATCH = 500


def call_back(session, tenant_id: int, period: Period, limit: int = 200) -> list[dict]:
    """Up to ``limit`` numbers to call back: attempts since last reached, the last call and how it ended."""
    waiting = _waiting(session, tenant_id, period, limit)
    listed = sorted(waiting.items(), key=lambda item: (-item[1].timestamp(), item[0]))[:limit]
    if not listed:
        return []
    numbers = [caller for caller, _ in listed]
    reached = _reached(session, tenant_id, numbers)
    attempts: dict = {}
    for caller, started in session.execute(_missed(tenant_id, period).where(CALL.caller.in_(numbers))):
        if caller not in reached or aware(started) >= reached[caller]:
            attempts[caller] = attempts.get(caller, 0) + 1
    last_outcome = _last_outcomes(session, tenant_id, listed)
    return [{"caller": caller, "attempts": attempts[caller], "last_call": aware(last).isoformat(),
             "last_outcome": last_outcome.get(caller)} for caller, last in listed]


def _missed(tenant_id: int, period: Period):
    """The period's unanswered incoming calls from a known number."""
    return select(CALL.caller, CALL.started_at).where(
        *conditions(tenant_id, period), CALL.answered_at.is_(None), CALL.caller != "")


def _waiting(session, tenant_id: int, period: Period, limit: int) -> dict:
    """caller → their last unanswered call, for at least ``limit`` numbers not reached since (when there are)."""
    newest_first = _missed(tenant_id, period).order_by(CALL.started_at.desc())
    seen, waiting = set(), {}
    for batch in session.execute(newest_first, execution_options={"yield_per": BATCH}).partitions():
        new = {}
        for caller, started in batch:
            if caller not in seen:
                seen.add(caller)
                new[caller] = aware(started)
        if new:
            reached = _reached(session, tenant_id, list(new), since=min(new.values()))
            waiting |= {caller: last for caller, last in new.items() if reached.get(caller, last) <= last}
        # the list is full once no later row can start at or after its last number's call
        if len(waiting) >= limit and aware(batch[-1][1]) < sorted(waiting.values(), reverse=True)[limit - 1]:
            break
    return waiting


def _reached(session, tenant_id: int, numbers: list[str], since: datetime | None = None) -> dict:
    """number → the start of the latest answered call from or to it (after ``since``)."""
    found: dict = {}
    for column, direction in ((CALL.caller, "in"), (CALL.destination, "out")):
        rows = session.execute(select(column, func.max(CALL.started_at)).where(
            CALL.tenant_id == tenant_id, column.in_(numbers), CALL.direction == direction,
            CALL.answered_at.is_not(None), *([CALL.started_at > since] if since else [])).group_by(column))
        for number, started in rows:
            found[number] = max(aware(started), found.get(number, aware(started)))
    return found


def _last_outcomes(session, tenant_id: int, listed: list[tuple[str, datetime]]) -> dict:
    """caller → how their last unanswered call ended."""
    last = dict(listed)
    rows = session.execute(select(CALL.caller, CALL.started_at, outcome()).where(
        CALL.tenant_id == tenant_id, CALL.direction == "in", CALL.answered_at.is_(None), CALL.caller.in_(list(last)),
        CALL.started_at.in_(list(set(last.values())))))
    return {caller: ended for caller, started, ended in rows if aware(started) == last[caller]}
