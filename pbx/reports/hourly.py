"""The call records counted per company and UTC hour (``call_hour``), kept right as records arrive.

A report over a year then reads a few rows per hour instead of every call. Each hour holds rows of
four kinds, each keyed ``<main number>\\t<detail>``, so any report can be narrowed to one number:

* ``number``: every call (detail empty), by direction and outcome;
* ``path``: incoming calls by their path through the scenario (its JSON text);
* ``user``: answered incoming calls by who answered (the user's id);
* ``wait``: answered incoming calls by their wait (``wait_band``, for the percentile).

Each row counts calls with the answered ones' total wait and the talk time. An hour is rebuilt
whole from its call records whenever a record of it is written (``touching``), so the rows equal
what the records say whatever order the legs arrive in and however often. A day cut in whole UTC
hours is a local day only in zones a whole number of hours off UTC (``covers``); elsewhere the
reports read the records themselves.
"""
from __future__ import annotations

import contextlib
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import String, cast, delete, func, select

from pbx import models
from pbx.calls.store import aware
from pbx.reports.outcomes import ANSWERED, outcome
from pbx.reports.period import Period

CALL, HOUR = models.CallRecord, models.CallHour
ONE_HOUR = timedelta(hours=1)


def covers(period: Period) -> bool:
    """Whether whole UTC hours make up the period's local days (every offset a whole number of hours)."""
    zone, moment = period.tz, period.start
    while moment <= period.end:
        if zone.utcoffset(moment.replace(tzinfo=None)).total_seconds() % 3600:
            return False
        moment += timedelta(days=1)
    return True


def wait_band(seconds: int) -> int:
    """A wait as counted: to the second under a minute, to 10 s under 10 minutes, then to the minute
    (the 90th percentile of the counts is as exact; an hour's waits then take few rows)."""
    if seconds < 60:
        return seconds
    return seconds - seconds % (10 if seconds < 600 else 60)


def hour_of(moment: datetime) -> datetime:
    return aware(moment).replace(minute=0, second=0, microsecond=0)


# -- writing -----------------------------------------------------------------------------
def hours_of(session, call_uuids) -> set[tuple[int, datetime]]:
    """(company, UTC hour) of the stored calls among ``call_uuids``."""
    call_uuids = list(set(call_uuids))
    found = set()
    for start in range(0, len(call_uuids), 1000):
        rows = session.execute(select(CALL.tenant_id, CALL.started_at).where(
            CALL.call_uuid.in_(call_uuids[start:start + 1000]), CALL.tenant_id.is_not(None)))
        found |= {(tenant, hour_of(started)) for tenant, started in rows}
    return found


@contextlib.contextmanager
def touching(session, call_uuids):
    """Around writing these calls' legs or recordings: their hours (before and after) are rebuilt."""
    before = hours_of(session, call_uuids) if call_uuids else set()
    yield
    if call_uuids:
        rebuild_hours(session, before | hours_of(session, call_uuids))


def rebuild_hours(session, keys: set[tuple[int, datetime]]) -> None:
    postgres = session.get_bind().dialect.name == "postgresql"
    for tenant_id, hour in sorted(keys):
        if postgres:  # two writers rebuilding one hour: the second waits, then reads what the first wrote
            session.execute(select(func.pg_advisory_xact_lock(tenant_id, int(hour.timestamp() // 3600))))
        rebuild(session, tenant_id, hour, hour + ONE_HOUR)


def rebuild(session, tenant_id: int, start: datetime, end: datetime) -> int:
    """Count the company's calls started in [start, end) afresh; returns the rows written."""
    session.execute(delete(HOUR).where(HOUR.tenant_id == tenant_id, HOUR.hour >= start, HOUR.hour < end))
    calls = session.execute(select(
        CALL.started_at, CALL.direction, CALL.main_number, outcome(), cast(CALL.path, String),
        CALL.answered_by_user_id, CALL.wait_seconds, CALL.talk_seconds,
    ).where(CALL.tenant_id == tenant_id, CALL.started_at >= start, CALL.started_at < end))
    rows = counted(tenant_id, calls)
    if rows and session.get_bind().dialect.name == "postgresql":
        _copy(session, rows)
    elif rows:
        session.execute(HOUR.__table__.insert(), rows)  # SQLite runs the many rows itself, fast
    return len(rows)


def _copy(session, rows: list[dict]) -> None:
    """COPY into PostgreSQL in the session's transaction: a many-row INSERT spends longer building its
    text in the driver than the database takes to store the rows."""
    columns = list(rows[0])
    raw = session.connection().connection.driver_connection
    with raw.cursor().copy(f"COPY call_hour ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])


def counted(tenant_id: int, calls) -> list[dict]:
    """The ``call_hour`` rows of some calls (started_at, direction, number, outcome, path, user, wait, talk)."""
    totals: dict = defaultdict(lambda: [0, 0, 0])

    def add(key, waited, talked):
        entry = totals[key]
        entry[0] += 1
        entry[1] += waited
        entry[2] += talked

    for started, direction, number, ended, path, user, wait, talk in calls:
        hour, number, answered = hour_of(started), number or "", ended == ANSWERED
        waited = wait if answered else 0
        add((hour, "number", f"{number}\t", direction, ended), waited, talk)
        if direction != "in":
            continue
        add((hour, "path", f"{number}\t{path or '[]'}", direction, ended), waited, talk)
        if answered:
            add((hour, "wait", f"{number}\t{wait_band(wait)}", direction, ended), waited, talk)
            if user:
                add((hour, "user", f"{number}\t{user}", direction, ended), waited, talk)
    return [{"tenant_id": tenant_id, "hour": hour, "kind": kind, "key": key, "direction": direction, "outcome": ended,
             "calls": calls_, "waited": waited, "talked": talked}
            for (hour, kind, key, direction, ended), (calls_, waited, talked) in totals.items()]


def backfill(session, tenant_id: int | None = None, report=lambda text: None) -> int:
    """Rebuild every hour of the stored calls (all companies, or one), a month at a time; commits each month."""
    tenants = session.scalars(select(models.Tenant.id).order_by(models.Tenant.id)
                              .where(*([models.Tenant.id == tenant_id] if tenant_id else [])))
    written = 0
    for tenant in list(tenants):
        first, last = session.execute(select(func.min(CALL.started_at), func.max(CALL.started_at))
                                      .where(CALL.tenant_id == tenant)).one()
        if first is None:
            continue
        month = hour_of(first).replace(day=1, hour=0)
        while month <= aware(last):
            following = (month + timedelta(days=32)).replace(day=1)
            written += rebuild(session, tenant, month, following)
            session.commit()
            report(f"company {tenant}: {month:%Y-%m} counted")
            month = following
    return written


# -- reading -----------------------------------------------------------------------------
def _where(tenant_id: int, period: Period, kind: str) -> list:
    found = [HOUR.tenant_id == tenant_id, HOUR.kind == kind, HOUR.hour >= period.start, HOUR.hour < period.end]
    if period.main_number:
        found.append(HOUR.key.startswith(f"{period.main_number}\t", autoescape=True))
    return found


def local_hours(session, tenant_id: int, period: Period, direction: str | None = None):
    """(local hour start, direction, outcome) → calls, as ``period.local_hours`` counts the records."""
    found = _where(tenant_id, period, "number") + ([HOUR.direction == direction] if direction else [])
    rows = session.execute(select(HOUR.hour, HOUR.direction, HOUR.outcome, func.sum(HOUR.calls))
                           .where(*found).group_by(HOUR.hour, HOUR.direction, HOUR.outcome))
    counts: dict = defaultdict(int)
    local: dict = {}  # each hour moved to the zone once, not once per row
    for hour, direction_, ended, calls in rows:
        if hour not in local:
            local[hour] = aware(hour).astimezone(period.tz).replace(tzinfo=None)
        counts[(local[hour], direction_, ended)] += int(calls)
    return counts


def outcomes(session, tenant_id: int, period: Period) -> dict:
    """outcome → incoming calls of the period."""
    rows = session.execute(select(HOUR.outcome, func.sum(HOUR.calls)).where(
        *_where(tenant_id, period, "number"), HOUR.direction == "in").group_by(HOUR.outcome))
    return {ended: int(calls) for ended, calls in rows}


def breakdown(session, tenant_id: int, period: Period, kind: str) -> dict:
    """(main number, detail) → {outcome: calls, "waited": s, "talked": s} of one kind's incoming rows."""
    rows = session.execute(
        select(HOUR.key, HOUR.outcome, func.sum(HOUR.calls), func.sum(HOUR.waited), func.sum(HOUR.talked))
        .where(*_where(tenant_id, period, kind), HOUR.direction == "in").group_by(HOUR.key, HOUR.outcome))
    found: dict = {}
    for key, ended, calls, waited, talked in rows:
        number, _, detail = key.partition("\t")
        entry = found.setdefault((number, detail), defaultdict(int))
        entry[ended] += int(calls)
        entry["waited"] += int(waited or 0)
        entry["talked"] += int(talked or 0)
    return found
