"""A report's period: whole days in the company's time zone, and time buckets in that zone."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, literal, select

# The longest period: a leap year, so any whole year fits.
LONGEST = 366


@dataclass(frozen=True)
class Period:
    """The days ``first`` to ``last`` (inclusive) in ``zone``; ``main_number`` narrows to one number."""

    first: date
    last: date
    zone: str = "Europe/Warsaw"
    main_number: str | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    @property
    def start(self) -> datetime:
        """Local midnight of the first day, in UTC (a DST day has 23 or 25 hours: the zone knows)."""
        return local_midnight(self.first, self.tz)

    @property
    def end(self) -> datetime:
        return local_midnight(self.last + timedelta(days=1), self.tz)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(timezone.utc)


def day_of(moment: datetime) -> datetime:
    """The UTC midnight starting the moment's UTC day (SQLite hands back naive times, all UTC)."""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)


def local_hours(session, column, period: Period, conditions, *columns) -> Counter:
    """(local hour start, *columns) → count of rows meeting ``conditions``, grouped by the hour on the
    company's clock (``column``: the time; ``columns``: labelled expressions of the same rows).

    PostgreSQL converts each time to the zone itself. SQLite has no time zones: it groups by the UTC
    minute and Python moves each minute to the zone (small installations: few rows), which stays
    right in zones half an hour off UTC too.
    """
    if session.get_bind().dialect.name == "postgresql":
        bucket = func.date_trunc("hour", func.timezone(literal(period.zone), column))
    else:
        bucket = func.strftime("%Y-%m-%d %H:%M", column)
    inner = select(bucket.label("bucket"), *columns).where(*conditions).subquery()
    keys = [inner.c.bucket, *(inner.c[c.name] for c in columns)]
    counts: Counter = Counter()
    for bucket_value, *values, count in session.execute(select(*keys, func.count()).group_by(*keys)):
        counts[(_local_hour(bucket_value, period.tz), *values)] += count
    return counts


def _local_hour(value, zone: ZoneInfo) -> datetime:
    if isinstance(value, str):  # SQLite: a UTC minute
        moment = datetime.strptime(value, "%Y-%m-%d %H:%M").replace(tzinfo=timezone.utc).astimezone(zone)
        return moment.replace(minute=0, tzinfo=None)
    return value.replace(tzinfo=None)
