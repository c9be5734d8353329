"""The call records counted per company and UTC hour (``call_hour``), kept right as records arrive.

A report over a year then reads a few rows per hour instead of every call. Each hour holds rows of
four kinds, each keyed ``<main number>\\t<detail>``, so any report can be narrowed to one number:

* ``number``: every call (detail empty), by direction and outcome;
* ``path``: incoming calls by their path through the scenario (its JSON text);
* ``user``: answered incoming calls by who answered (the user's id);
* ``wait``: answered incoming calls by their wait (``wait_band``, for the percentile);
* ``queue``: queue events by the hour they happened, keyed ``<queue>\t<wait>`` (the wait in seconds for the
  answered, for the service level at any threshold; empty for the others), the event's kind as outcome.

Each row counts calls with the answered ones' total wait and the talk time. Writing a record marks
its hour stale (``touching``, in the writer's transaction: a row in ``call_hour_stale``); ``refresh``
rebuilds each stale hour whole from its call records, so the rows equal what the records say whatever
order the legs arrive in and however often, then its UTC day's sums (``call_day``) and the day's counts per
caller (``pbx.reports.callers``). A report refreshes
its company first, and the task worker refreshes every company each minute. Rebuilding in the writer's
transaction made a busy company's writes wait in line for one lock, each counting its whole hour
again: at 15 calls/s the switch endpoint's threads waited there and hunts timed out. A report reads the whole
UTC days of its period from the day sums and the hours at its ends from the hourly rows, so a year
of calls is a few hundred thousand rows read from the indexes alone, whatever the number of calls.
A day cut in whole UTC hours is a local day only in zones a whole number of hours off UTC
(``covers``); elsewhere the reports read the records themselves.
"""
from __future__ import annotations

import contextlib
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import Date, String, case, cast, delete, func, literal, select, text, union_all
from sqlalchemy.dialects import postgresql, sqlite

from pbx import models
from pbx.calls.store import aware
from pbx.queues import ANSWERED as QUEUE_ANSWERED
from pbx.reports import callers
from pbx.reports.outcomes import ANSWERED, outcome
from pbx.reports.period import Period, day_of

CALL, HOUR, DAY, EVENT = models.CallRecord, models.CallHour, models.CallDay, models.QueueEvent
STALE = models.CallHourStale
ONE_HOUR, ONE_DAY = timedelta(hours=1), timedelta(days=1)


def covers(period: Period) -> bool:
    """Whether whole UTC hours make up the period's local days (every offset a whole number of hours)."""
    zone, moment = period.tz, period.start
    while moment <= period.end:
        if zone.utcoffset(moment.replace(tzinfo=None)).total_seconds() % 3600:
            return False
        moment += timedelta(days=1)
    return True


def wait_band(seconds):
    """A wait as counted (an SQL expression): to the second under a minute, to 10 s under 10 minutes, then to
    the minute (the 90th percentile of the counts is as exact; an hour's waits then take few rows)."""
    return case((seconds < 60, seconds), (seconds < 600, seconds - seconds.op("%")(10)),
                else_=seconds - seconds.op("%")(60))


def hour_of(moment: datetime) -> datetime:
    return aware(moment).replace(minute=0, second=0, microsecond=0)


# -- writing -----------------------------------------------------------------------------
def hours_of(session, call_uuids) -> set[tuple[int, datetime]]:
    """(company, UTC hour) of the stored calls among ``call_uuids`` and of their queue events."""
    call_uuids = list(set(call_uuids))
    found = set()
    for start in range(0, len(call_uuids), 1000):
        some = call_uuids[start:start + 1000]
        rows = session.execute(union_all(
            select(CALL.tenant_id, CALL.started_at).where(CALL.call_uuid.in_(some), CALL.tenant_id.is_not(None)),
            select(EVENT.tenant_id, EVENT.at).where(EVENT.call_uuid.in_(some))))
        found |= {(tenant, hour_of(moment)) for tenant, moment in rows}
    return found


@contextlib.contextmanager
def touching(session, call_uuids):
    """Around writing these calls' legs or recordings: their hours (before and after) are marked stale."""
    before = hours_of(session, call_uuids) if call_uuids else set()
    yield
    if call_uuids:
        mark_stale(session, before | hours_of(session, call_uuids))


def mark_stale(session, keys: set[tuple[int, datetime]]) -> None:
    """Mark these (company, hour)s stale. On PostgreSQL an existing mark is updated, not skipped: the
    row lock makes a ``refresh`` claiming it wait for this transaction, so it counts what this one wrote."""
    if not keys:
        return
    rows = [{"tenant_id": tenant_id, "hour": hour} for tenant_id, hour in sorted(keys)]
    if session.get_bind().dialect.name == "postgresql":
        statement = postgresql.insert(STALE).values(rows)
        statement = statement.on_conflict_do_update(index_elements=["tenant_id", "hour"],
                                                    set_={"hour": statement.excluded.hour})
    else:  # SQLite has one writer at a time
        statement = sqlite.insert(STALE).values(rows).on_conflict_do_nothing()
    session.execute(statement)


def refresh(session, tenant_id: int | None = None) -> int:
    """Rebuild the stale hours (of one company, or all) and their days; returns the hours rebuilt.

    The marks are claimed first (deleted, returning them): a write committed later marks its hour
    again for the next refresh."""
    claim = delete(STALE).returning(STALE.tenant_id, STALE.hour)
    if tenant_id is not None:
        claim = claim.where(STALE.tenant_id == tenant_id)
    keys = {(tenant, aware(hour)) for tenant, hour in session.execute(claim)}
    rebuild_hours(session, keys)
    return len(keys)


def rebuild_hours(session, keys: set[tuple[int, datetime]]) -> None:
    """Rebuild these (company, hour)s, then the days holding them and their callers' counts."""
    postgres = session.get_bind().dialect.name == "postgresql"
    days = sorted({(tenant_id, day_of(hour)) for tenant_id, hour in keys})
    if postgres:  # two writers of one month (its callers' totals): the second waits, then reads what the first wrote
        for tenant_id, month in sorted({(tenant_id, callers.month_of(day)) for tenant_id, day in days}):
            session.execute(select(func.pg_advisory_xact_lock(tenant_id, int(month.timestamp() // 86400))))
    for tenant_id, hour in sorted(keys):
        rebuild(session, tenant_id, hour, hour + ONE_HOUR)
    for tenant_id, day in days:
        sum_day(session, tenant_id, day)
        callers.recount_day(session, tenant_id, day)


def sum_day(session, tenant_id: int, day: datetime) -> None:
    """The company's ``call_day`` rows of one UTC day, summed afresh from its hours."""
    session.execute(delete(DAY).where(DAY.tenant_id == tenant_id, DAY.day == day))
    summed = select(HOUR.tenant_id, literal(day, DAY.day.type), HOUR.kind, HOUR.key, HOUR.direction, HOUR.outcome,
                    func.sum(HOUR.calls), func.sum(HOUR.waited), func.sum(HOUR.talked)).where(
        HOUR.tenant_id == tenant_id, HOUR.hour >= day, HOUR.hour < day + ONE_DAY).group_by(
        HOUR.tenant_id, HOUR.kind, HOUR.key, HOUR.direction, HOUR.outcome)
    session.execute(DAY.__table__.insert().from_select(
        ["tenant_id", "day", "kind", "key", "direction", "outcome", "calls", "waited", "talked"], summed))


def rebuild(session, tenant_id: int, start: datetime, end: datetime) -> int:
    """Count the company's calls started in [start, end) afresh; returns the rows written.

    The database counts, in one INSERT from a grouped SELECT: a month of a busy company's calls is counted
    in a second, where reading them into Python took several."""
    session.execute(delete(HOUR).where(HOUR.tenant_id == tenant_id, HOUR.hour >= start, HOUR.hour < end))
    calls = _calls(session, tenant_id, start, end)
    number, answered, incoming = calls.c.number, calls.c.outcome == ANSWERED, calls.c.direction == "in"
    kinds = {
        "number": (number + "\t", []),
        "path": (number + "\t" + calls.c.path, [incoming]),
        "wait": (number + "\t" + cast(wait_band(calls.c.wait), String), [incoming, answered]),
        "user": (number + "\t" + cast(calls.c.user, String), [incoming, answered, calls.c.user.is_not(None)]),
    }
    counted = []
    for kind, (key, only) in kinds.items():
        # grouped outside the SELECT making the keys: PostgreSQL matches GROUP BY expressions by their text,
        # and each bound "\t" is a parameter of its own
        rows = select(calls.c.hour, key.label("key"), calls.c.direction, calls.c.outcome,
                      case((answered, calls.c.wait), else_=0).label("waited"), calls.c.talk).where(*only).subquery()
        counted.append(select(literal(tenant_id), rows.c.hour, literal(kind), rows.c.key, rows.c.direction,
                              rows.c.outcome, func.count(), func.sum(rows.c.waited), func.sum(rows.c.talk))
                       .group_by(rows.c.hour, rows.c.key, rows.c.direction, rows.c.outcome))
    counted.append(_queue_counts(session, tenant_id, start, end))
    return session.execute(HOUR.__table__.insert().from_select(
        ["tenant_id", "hour", "kind", "key", "direction", "outcome", "calls", "waited", "talked"],
        union_all(*counted)), execution_options={"preserve_rowcount": True}).rowcount


def _queue_counts(session, tenant_id: int, start: datetime, end: datetime):
    """The ``queue`` rows of the company's queue events in [start, end)."""
    wait = func.coalesce(EVENT.wait_seconds, 0)
    rows = select(_hour(session, EVENT.at).label("hour"), (EVENT.queue + "\t" + case(
        (EVENT.kind == QUEUE_ANSWERED, cast(wait, String)), else_="")).label("key"), EVENT.kind, wait.label("wait")
    ).where(EVENT.tenant_id == tenant_id, EVENT.at >= start, EVENT.at < end).subquery()
    return select(literal(tenant_id), rows.c.hour, literal("queue"), rows.c.key, literal("in"), rows.c.kind,
                  func.count(), func.sum(rows.c.wait), literal(0)).group_by(rows.c.hour, rows.c.key, rows.c.kind)


def _hour(session, column):
    """The UTC hour of a time column."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date_trunc("hour", column, "UTC")
    return func.substr(column, 1, 13, type_=String) + ":00:00.000000"  # SQLite keeps "2026-10-25 09:41:07.000000"


def _calls(session, tenant_id: int, start: datetime, end: datetime):
    """The company's calls started in [start, end) as counted: UTC hour, number, outcome, path text, user, wait,
    talk; read once for the four kinds (a CTE used more than once is computed once, on both databases)."""
    hour = _hour(session, CALL.started_at)
    return select(hour.label("hour"), CALL.direction, func.coalesce(CALL.main_number, "").label("number"), outcome(),
                  func.coalesce(cast(CALL.path, String), "[]").label("path"), CALL.answered_by_user_id.label("user"),
                  func.coalesce(CALL.wait_seconds, 0).label("wait"), func.coalesce(CALL.talk_seconds, 0).label("talk"),
                  ).where(CALL.tenant_id == tenant_id, CALL.started_at >= start, CALL.started_at < end).cte("calls")


def backfill(session, tenant_id: int | None = None, report=lambda text: None) -> int:
    """Rebuild every hour and day of the stored calls (all companies, or one), a month at a time; commits
    each month."""
    tenants = session.scalars(select(models.Tenant.id).order_by(models.Tenant.id)
                              .where(*([models.Tenant.id == tenant_id] if tenant_id else [])))
    written = 0
    for tenant in list(tenants):
        first, last = session.execute(select(func.min(CALL.started_at), func.max(CALL.started_at))
                                      .where(CALL.tenant_id == tenant)).one()
        if first is None:
            continue
        last = max(aware(last), aware(session.scalar(select(func.max(EVENT.at)).where(EVENT.tenant_id == tenant))
                                      or last))  # a queue event may end after the last call began
        month = day_of(first).replace(day=1)
        while month <= aware(last):
            following = (month + timedelta(days=32)).replace(day=1)
            if session.get_bind().dialect.name == "postgresql":  # compiling a month's count cost more than it saved
                session.execute(text("SET LOCAL jit = off"))
            written += rebuild(session, tenant, month, following)
            for day in range((following - month).days):
                sum_day(session, tenant, month + day * ONE_DAY)
            callers.count_month(session, tenant, month)
            session.commit()
            report(f"company {tenant}: {month:%Y-%m} counted")
            month = following
    return written


# -- reading -----------------------------------------------------------------------------
def _spans(period: Period) -> tuple[list[tuple[datetime, datetime]], tuple[datetime, datetime] | None]:
    """The period's whole UTC days (read from ``call_day``) and the hours before and after them."""
    start, end = aware(period.start), aware(period.end)
    first, last = day_of(start - timedelta(microseconds=1)) + ONE_DAY, day_of(end)
    if first >= last:
        return [(start, end)], None
    return [(start, first), (last, end)], (first, last)


def _counts(session, tenant_id: int, period: Period, kind: str, *columns, prefix: str | None = None) -> dict:
    """(*columns) → [calls, waited, talked] of the period's incoming rows of one kind: the whole days from
    ``call_day``, the hours at the ends from ``call_hour``; the keys starting ``prefix`` (default: the
    period's main number)."""
    if prefix is None and period.main_number:
        prefix = f"{period.main_number}\t"
    hours, days = _spans(period)
    found: dict = defaultdict(lambda: [0, 0, 0])
    for table, moment, ranges in ((HOUR, HOUR.hour, hours), (DAY, DAY.day, [days] if days else [])):
        for start, end in ranges:
            if start >= end:
                continue
            keys = [getattr(table, column) for column in columns]
            rows = session.execute(select(*keys, func.sum(table.calls), func.sum(table.waited), func.sum(table.talked))
                                   .where(table.tenant_id == tenant_id, table.kind == kind, moment >= start,
                                          moment < end, table.direction == "in",
                                          *([table.key.startswith(prefix, autoescape=True)] if prefix else []))
                                   .group_by(*keys))
            for *key, calls, waited, talked in rows:
                entry = found[tuple(key)]
                entry[0] += int(calls)
                entry[1] += int(waited or 0)
                entry[2] += int(talked or 0)
    return found


def local_counts(session, tenant_id: int, period: Period, grain: str, direction: str | None = None) -> dict:
    """(local bucket, direction, outcome) → calls; the bucket is the local day (a date) for ``grain`` "day",
    (weekday, hour) on the company's clock for "week".

    PostgreSQL moves each hour to the zone and groups there, returning a few thousand rows for a year.
    SQLite has no time zones: Python moves each hour (small installations: few hours)."""
    found = [HOUR.tenant_id == tenant_id, HOUR.kind == "number", HOUR.hour >= period.start, HOUR.hour < period.end,
             *([HOUR.key.startswith(f"{period.main_number}\t", autoescape=True)] if period.main_number else []),
             *([HOUR.direction == direction] if direction else [])]
    if session.get_bind().dialect.name == "postgresql":
        local = func.timezone(literal(period.zone), HOUR.hour)
        buckets = [cast(local, Date)] if grain == "day" else [
            func.extract("isodow", local) - 1, func.extract("hour", local)]
        rows = session.execute(select(*buckets, HOUR.direction, HOUR.outcome, func.sum(HOUR.calls))
                               .where(*found).group_by(*buckets, HOUR.direction, HOUR.outcome))
        return {((bucket[0] if grain == "day" else tuple(map(int, bucket))), direction_, ended): int(calls)
                for *bucket, direction_, ended, calls in rows}
    rows = session.execute(select(HOUR.hour, HOUR.direction, HOUR.outcome, func.sum(HOUR.calls))
                           .where(*found).group_by(HOUR.hour, HOUR.direction, HOUR.outcome))
    counts: dict = defaultdict(int)
    for hour, direction_, ended, calls in rows:
        counts[(bucket_of(aware(hour).astimezone(period.tz), grain), direction_, ended)] += int(calls)
    return counts


def bucket_of(local: datetime, grain: str):
    """A local time's day (grain "day") or (weekday, hour) (grain "week")."""
    return local.date() if grain == "day" else (local.weekday(), local.hour)


def outcomes(session, tenant_id: int, period: Period) -> dict:
    """outcome → incoming calls of the period."""
    counts = _counts(session, tenant_id, period, "number", "outcome")
    return {ended: calls for (ended,), (calls, _, _) in counts.items()}


def breakdown(session, tenant_id: int, period: Period, kind: str) -> dict:
    """(main number, detail) → {outcome: calls, "waited": s, "talked": s} of one kind's incoming rows."""
    found: dict = {}
    for (key, ended), (calls, waited, talked) in _counts(session, tenant_id, period, kind, "key", "outcome").items():
        number, _, detail = key.partition("\t")
        entry = found.setdefault((number, detail), defaultdict(int))
        entry[ended] += calls
        entry["waited"] += waited
        entry["talked"] += talked
    return found


def queue_events(session, tenant_id: int, period: Period, within: int, prefix: str | None = None) -> list[tuple]:
    """(queue, kind, events, answered within ``within`` seconds, total wait) of the period's queue events, of
    the queues named ``prefix``… (all: "")."""
    found: dict = {}
    counts = _counts(session, tenant_id, period, "queue", "key", "outcome", prefix=prefix or "")
    for (key, kind), (events, waited, _) in counts.items():
        queue, _, wait = key.rpartition("\t")
        entry = found.setdefault((queue, kind), [0, 0, 0])
        entry[0] += events
        entry[1] += events if wait and int(wait) <= within else 0
        entry[2] += waited
    return [(queue, kind, *entry) for (queue, kind), entry in found.items()]
