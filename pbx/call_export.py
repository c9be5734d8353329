"""The call records of one company for an export: the filters, the documented columns, the rows.

Rows are read in keyset pages (``started_at, id`` after the last row of the page before), each
page one short query: memory stays flat for any number of rows, no transaction stays open
while a file is written, and a background export may commit its progress between pages.
Names (users, groups, main numbers) are looked up once per export, never per row. Records and
names are read from the reports database when one is set (``report_reads``: a replica).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Callable, Iterator
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select

from pbx import models
from pbx.exports import Column
from pbx.extensions import report_reads
from pbx.tenancy import get_owned

PAGE = 5000
CALL_COLUMNS = (
    Column("started_at", "Started at", "Początek", "time"),
    Column("ended_at", "Ended at", "Koniec", "time"),
    Column("direction", "Direction", "Kierunek", "word"),
    Column("main_number", "Main number", "Numer główny"),
    Column("main_number_name", "Main number name", "Nazwa numeru głównego"),
    Column("caller", "Caller", "Dzwoniący"),
    Column("destination", "Dialled number", "Wybrany numer"),
    Column("answered", "Answered", "Odebrane", "word"),
    Column("answered_by", "Answered by", "Odebrał(a)"),
    Column("answered_by_groups", "Groups of who answered", "Grupy odbierającego"),
    Column("answered_number", "Answered at number", "Odebrane pod numerem"),
    Column("wait_seconds", "Wait (s)", "Oczekiwanie (s)", "count"),
    Column("talk_seconds", "Talk (s)", "Rozmowa (s)", "count"),
    Column("talk_minutes", "Talk (min)", "Rozmowa (min)", "minutes"),
    Column("hangup_cause", "Hang-up cause", "Przyczyna rozłączenia"),
    Column("path", "Call path", "Ścieżka połączenia"),
)
CR = models.CallRecord
FIELDS = (CR.id, CR.started_at, CR.ended_at, CR.direction, CR.main_number, CR.caller, CR.destination,
          CR.answered_at, CR.answered_by_user_id, CR.answered_number, CR.wait_seconds, CR.talk_seconds,
          CR.hangup_cause, CR.path, CR.transfers)


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """Local midnight as UTC: stored times are UTC, and SQLite compares them as text."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(timezone.utc)


def filtered(tenant: models.Tenant, filters: dict):
    """The WHERE of the company's calls matching ``filters`` (as ``schemas.exports.ExportQuery`` loads them)."""
    zone = ZoneInfo(tenant.timezone)
    conditions = [CR.tenant_id == tenant.id]
    if filters.get("from"):
        conditions.append(CR.started_at >= day_start(filters["from"], zone))
    if filters.get("to"):
        conditions.append(CR.started_at < day_start(filters["to"] + timedelta(days=1), zone))
    if filters.get("main_number") is not None:
        conditions.append(CR.main_number == get_owned(models.MainNumber, tenant.id, filters["main_number"]).number)
    if filters.get("user") is not None:
        conditions.append(_reached([get_owned(models.User, tenant.id, filters["user"]).id]))
    if filters.get("group") is not None:
        group = get_owned(models.Group, tenant.id, filters["group"])
        conditions.append(_reached(select(models.GroupMember.user_id).where(models.GroupMember.group_id == group.id)))
    if filters.get("direction"):
        conditions.append(CR.direction == filters["direction"])
    if filters.get("answered") is not None:
        conditions.append(CR.answered_at.isnot(None) if filters["answered"] else CR.answered_at.is_(None))
    return and_(*conditions)


def _reached(user_ids):
    """Calls one of these users answered or was rung for."""
    legs = select(models.CallLeg.call_id).where(models.CallLeg.user_id.in_(user_ids))
    return or_(CR.answered_by_user_id.in_(user_ids), CR.id.in_(legs))


def count(tenant: models.Tenant, filters: dict) -> int:
    where = filtered(tenant, filters)
    with report_reads() as session:
        return session.scalar(select(func.count()).select_from(CR).where(where))


def stored_rows(tenant: models.Tenant, filters: dict, page: int = PAGE) -> Iterator:
    """The matching records oldest first, one keyset page in memory at a time."""
    where, after = filtered(tenant, filters), None
    with report_reads() as session:
        while True:
            query = select(*FIELDS).where(where)
            if after is not None:
                query = query.where(or_(CR.started_at > after[0], and_(CR.started_at == after[0], CR.id > after[1])))
            rows = session.execute(query.order_by(CR.started_at, CR.id).limit(page)).all()
            yield from rows
            if len(rows) < page:
                return
            after = (rows[-1].started_at, rows[-1].id)


class Names:
    """The company's users, their groups and its main numbers by name, read once per export."""

    def __init__(self, users: dict[int, str], groups: dict[int, str], numbers: dict[str, str]):
        self.users, self.groups, self.numbers = users, groups, numbers

    @classmethod
    def of(cls, tenant_id: int) -> Names:
        with report_reads() as session:
            users = session.execute(select(models.User.id, models.User.first_name, models.User.last_name)
                                    .where(models.User.tenant_id == tenant_id)).all()
            groups: dict[int, list[str]] = {}
            for user_id, name in session.execute(
                    select(models.GroupMember.user_id, models.Group.name).join(models.Group)
                    .where(models.Group.tenant_id == tenant_id).order_by(models.Group.name)):
                groups.setdefault(user_id, []).append(name)
            numbers = session.execute(select(models.MainNumber.number, models.MainNumber.label)
                                      .where(models.MainNumber.tenant_id == tenant_id)).all()
        return cls({row.id: f"{row.first_name} {row.last_name}" for row in users},
                   {user_id: ", ".join(names) for user_id, names in groups.items()},
                   {row.number: row.label for row in numbers})


def path_text(path, transfers) -> str:
    """The call path's cell: its steps, then the transfers users made ("hours:open > sales > transfer:102 …")."""
    return " > ".join(map(str, [*(path or []), *(transfers or [])]))


def record_values(zone_name: str, names: Names) -> Callable:
    """A stored row → the values of ``CALL_COLUMNS``, times in the company's zone."""
    zone, utc = ZoneInfo(zone_name), timezone.utc

    def local(value: datetime | None) -> datetime | None:
        # SQLite hands back naive datetimes, all of which are UTC.
        return (value if value.tzinfo else value.replace(tzinfo=utc)).astimezone(zone) if value else None

    def values(row) -> tuple:
        answerer = row.answered_by_user_id
        return (local(row.started_at), local(row.ended_at), row.direction, row.main_number,
                names.numbers.get(row.main_number, ""), row.caller, row.destination, row.answered_at is not None,
                names.users.get(answerer, ""), names.groups.get(answerer, ""), row.answered_number,
                row.wait_seconds, row.talk_seconds, row.talk_seconds or 0, row.hangup_cause,
                path_text(row.path, row.transfers))

    return values


def call_values(tenant: models.Tenant, filters: dict) -> Iterator[tuple]:
    """The values of every matching call, in the columns' order."""
    return map(record_values(tenant.timezone, Names.of(tenant.id)), stored_rows(tenant, filters))
