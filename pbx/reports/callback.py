"""The call-back list: numbers whose incoming call in the period was not answered and who have not been
reached since (no later answered call from them, no later answered call of ours to them), latest first.

The unanswered calls are read newest first, each with whether its number was reached after it, until the
list is full; then, for the numbers listed, the attempts since they were last reached. Whether and when a
number was last reached is looked up in the indexes by number and time (``ix_call_record_tenant_caller``,
``ix_call_record_tenant_destination``) for that number alone: the work follows the list's length, not
the calls in the period nor a number's whole history (grouping every answered call of the numbers listed
took most of the time, and more with every year stored).
"""
from __future__ import annotations

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from pbx import models
from pbx.calls.store import aware
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
    details = _details(session, tenant_id, period, listed)
    return [{"caller": caller, "attempts": details[caller][0], "last_call": last.isoformat(),
             "last_outcome": details[caller][1]} for caller, last in listed]


def _missed(tenant_id: int, period: Period) -> list:
    """The period's unanswered incoming calls from a known number (conditions on ``CALL``)."""
    found = [CALL.tenant_id == tenant_id, CALL.started_at >= period.start, CALL.started_at < period.end,
             CALL.direction == "in", CALL.answered_at.is_(None), CALL.caller != ""]
    return found + ([CALL.main_number == period.main_number] if period.main_number else [])


def _reached(tenant_id: int, later, moment) -> list:
    """Conditions on ``later`` (an alias of the records): an answered call from or to the call's number
    (``CALL.caller``), one per direction, started after ``moment``."""
    answered = [later.tenant_id == tenant_id, later.answered_at.is_not(None), later.started_at > moment]
    return [and_(later.caller == CALL.caller, later.direction == "in", *answered),
            and_(later.destination == CALL.caller, later.direction == "out", *answered)]


def _waiting(session, tenant_id: int, period: Period, limit: int) -> dict:
    """caller → their last unanswered call, for the ``limit`` latest numbers not reached since (and any
    whose last call was at the same second as the last of them)."""
    seen, waiting, full_at = set(), {}, None
    for caller, started, reached in _newest_unanswered(session, tenant_id, period):
        if full_at and started < full_at:
            break
        if caller not in seen:  # its last unanswered call decides
            seen.add(caller)
            if not reached:
                waiting[caller] = started
                full_at = full_at or (started if len(waiting) == limit else None)
    return waiting


def _newest_unanswered(session, tenant_id: int, period: Period):
    """The period's unanswered calls newest first, each with whether its number was reached after it.

    A page at a time (a LIMIT makes PostgreSQL plan for the few rows read, not compile the statement for
    all of them); the next page starts at the second the last one ended at, so that second's rows may
    come twice; a page all of one second is read again twice as long."""
    later = aliased(CALL)
    reached_since = or_(*(exists().where(condition) for condition in _reached(tenant_id, later, CALL.started_at)))
    newest_first = (select(CALL.caller, CALL.started_at, reached_since).where(*_missed(tenant_id, period))
                    .order_by(CALL.started_at.desc()))
    until, size = None, BATCH
    while True:
        page = session.execute(newest_first.where(*([CALL.started_at <= until] if until else [])).limit(size)).all()
        yield from ((caller, aware(started), reached) for caller, started, reached in page)
        if len(page) < size:
            return
        last = aware(page[-1][1])
        until, size = last, (2 * size if last == until else BATCH)


def _details(session, tenant_id: int, period: Period, listed: list) -> dict:
    """caller → (unanswered calls in the period since last reached, how the last one ended)."""
    earlier, later = aliased(CALL), aliased(CALL)
    # when the number was last reached, one lookup per direction (PostgreSQL reads each index backwards
    # from the number's newest call), the period's start when never
    last_reached = [func.coalesce(select(func.max(later.started_at)).where(condition).correlate(CALL).scalar_subquery(),
                                  period.start) for condition in _reached(tenant_id, later, period.start)]
    attempts = select(func.count()).where(
        earlier.tenant_id == tenant_id, earlier.caller == CALL.caller, earlier.direction == "in",
        earlier.answered_at.is_(None), earlier.started_at < period.end,
        *(earlier.started_at >= since for since in last_reached),
        *([earlier.main_number == period.main_number] if period.main_number else [])).scalar_subquery()
    last = dict(listed)
    rows = session.execute(select(CALL.caller, CALL.started_at, attempts, outcome()).where(
        *_missed(tenant_id, period), CALL.caller.in_(list(last)), CALL.started_at.in_(list(set(last.values())))))
    return {caller: (count, ended) for caller, started, count, ended in rows if aware(started) == last[caller]}
