"""Queue figures: service level (answered within N seconds) and abandonment, from the queue events.

Of the callers who left a queue in the period (answered, hung up while waiting, or sent on after the
queue's longest wait): the service level is the share answered within N seconds, the abandonment
the share who hung up while waiting.
"""
from __future__ import annotations

from sqlalchemy import case, func, select

from pbx import models
from pbx.queues import ABANDONED, ANSWERED, ENTERED, TIMEOUT
from pbx.reports import hourly
from pbx.reports.period import Period

EVENT = models.QueueEvent


def queue_prefix(tenant_id: int, scenario_id: int) -> str:
    """The start of the names of a scenario's queues (see ``pbx.nodes.forward``)."""
    return f"t{tenant_id}_s{scenario_id}_"


def per_queue(session, tenant_id: int, period: Period, within: int, scenario_id: int | None = None) -> dict:
    """queue name → callers entered, answered (and within ``within`` seconds), abandoned, timed out,
    average wait of the answered, service level and abandonment in percent."""
    prefix = queue_prefix(tenant_id, scenario_id) if scenario_id is not None else None
    if hourly.covers(period):
        rows = hourly.queue_events(session, tenant_id, period, within, prefix)
    else:
        rows = _events(session, tenant_id, period, within, prefix)
    queues: dict = {}
    for queue, kind, count, quick_count, waited in rows:
        entry = queues.setdefault(queue, {ENTERED: 0, ANSWERED: 0, ABANDONED: 0, TIMEOUT: 0, "answered_within": 0,
                                          "waited": 0})
        entry[kind] = count
        if kind == ANSWERED:
            entry["answered_within"], entry["waited"] = int(quick_count or 0), int(waited or 0)
    return {queue: _figures(entry) for queue, entry in queues.items()}


def _events(session, tenant_id: int, period: Period, within: int, prefix: str | None) -> list:
    """``hourly.queue_events`` from the events themselves."""
    found = [EVENT.tenant_id == tenant_id, EVENT.at >= period.start, EVENT.at < period.end]
    if prefix is not None:
        found.append(EVENT.queue.startswith(prefix, autoescape=True))
    quick = func.sum(case((EVENT.wait_seconds <= within, 1), else_=0))
    return session.execute(select(EVENT.queue, EVENT.kind, func.count(), quick, func.sum(EVENT.wait_seconds))
                           .where(*found).group_by(EVENT.queue, EVENT.kind)).all()


def _figures(entry: dict) -> dict:
    left = entry[ANSWERED] + entry[ABANDONED] + entry[TIMEOUT]
    waited = entry.pop("waited")
    return {**entry,
            "wait_average": round(waited / entry[ANSWERED], 1) if entry[ANSWERED] else None,
            "service_level": _percent(entry["answered_within"], left),
            "abandonment": _percent(entry[ABANDONED], left)}


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
