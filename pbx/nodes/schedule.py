"""Schedule: open or closed by weekday and hours, date exceptions and public holidays.

Time conditions are evaluated by mod_dialplan_xml at hunt time in the zone named by the
channel variable `timezone` (check_tz() re-reads it before every condition, so an inline
`set` in an earlier extension of the same hunt takes effect). `date-time` is NOT used: it is
compared in the switch's own zone (switch_fulldate_cmp); year/mon/mday/wday/time-of-day are
taken from the `timezone`-converted time (switch_xml_std_datetime_check). `wday` is 1 = Sunday.
"""
from __future__ import annotations

import re
from datetime import date

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from pbx.dialplan import ir
from pbx.dialplan.ir import Condition, Extension, Regex
from pbx.dialplan.snapshot import HOLIDAY_YEARS
from pbx.messages import Message
from pbx.nodes import register
from pbx.nodes.base import BRANCHES, NodeKind, NodeSchema, told
from pbx.nodes.holidays import PRESETS
from schemas.fields import DateText

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WDAY = {"sun": 1, "mon": 2, "tue": 3, "wed": 4, "thu": 5, "fri": 6, "sat": 7}
_HHMM = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
_DATE = re.compile(r"^(?:(\d{4})-)?(\d{2})-(\d{2})$")
DAY_END = 24 * 3600


def _seconds(text: str) -> int:
    match = _HHMM.fullmatch(text)
    if not match:
        raise ValidationError(Message("schedule.not_a_time", value=text))
    return int(match.group(1)) * 3600 + int(match.group(2)) * 60


def window(pair) -> tuple[int, int] | None:
    """["08:00","16:00"] → (start, end) seconds, end exclusive; 0:00-0:00 closed, x-23:59 to midnight."""
    if not isinstance(pair, (list, tuple)) or len(pair) != 2 or not all(isinstance(t, str) for t in pair):
        raise ValidationError(Message("schedule.hours_pairs"))
    start, end = _seconds(pair[0]), _seconds(pair[1])
    if start == 0 and end == 0:
        return None
    if end == DAY_END - 60:
        end = DAY_END
    if end <= start:
        raise ValidationError(Message("schedule.end_before_start", start=pair[0], end=pair[1]))
    return start, end


class Hours(fields.Field):
    spec_type = "hours"

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list) or len(value) > 12:
            raise ValidationError(Message("schedule.too_many_pairs"))
        return sorted(w for w in (window(pair) for pair in value) if w is not None)


class ExceptionDate(DateText):
    """"2026-12-24" (or "24.12.2026") once, or "12-24" ("24.12") every year."""

    spec_type = "date"

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        match = _DATE.fullmatch(text)
        if not match:
            raise ValidationError(Message("schedule.not_a_date", value=value))
        year, month, day = (int(g) if g else None for g in match.groups())
        try:
            date(year or 2024, month, day)  # 2024 is a leap year: "02-29" is allowed yearly
        except ValueError:
            raise ValidationError(Message("schedule.not_a_calendar_date", value=value)) from None
        return (year, month, day)


class ExceptionSchema(Schema):
    date = ExceptionDate(required=True)
    hours = Hours(load_default=list)


class ScheduleSchema(NodeSchema):
    week = fields.Dict(keys=fields.String(validate=validate.OneOf(DAYS)), values=Hours(), load_default=dict,
                       metadata={"summary": True, "key_label": "day"})
    holidays = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(sorted(PRESETS)))
    exceptions = fields.List(fields.Nested(ExceptionSchema), load_default=list, validate=validate.Length(max=366))

    @validates_schema
    def _unique_dates(self, data, **_):
        dates = [e["date"] for e in data.get("exceptions", [])]
        if len(dates) != len(set(dates)):
            raise ValidationError(Message("schedule.exception_twice"), "exceptions")


def tod(start: int, end: int) -> str:
    """A half-open window as time-of-day; switch_tod_cmp includes both ends, so end - 1 s."""
    last = end - 1
    return f"{start // 3600:02d}:{start % 3600 // 60:02d}:00-{last // 3600:02d}:{last % 3600 // 60:02d}:{last % 60:02d}"


def day_attrs(year, month, day) -> dict[str, str]:
    attrs = {"year": str(year)} if year else {}
    return {**attrs, "mon": str(month), "mday": str(day)}


def weekly_regexes(week: dict) -> list[Regex]:
    """Days with the same hours share one wday list: one <regex> per distinct window."""
    by_hours: dict[tuple, list[int]] = {}
    for day in DAYS:
        if week.get(day):
            by_hours.setdefault(tuple(week[day]), []).append(WDAY[day])
    return [Regex(time={"wday": ",".join(map(str, sorted(days))), "time-of-day": tod(*w)})
            for hours, days in by_hours.items() for w in hours]


def holiday_regexes(preset: str, first_year: int, years: int) -> list[Regex]:
    """Dates that are holidays every year get no year attribute; movable ones one per year."""
    per_year = [set(PRESETS[preset](y)) for y in range(first_year, first_year + years)]
    fixed = {(d.month, d.day) for d in per_year[0]}
    for days in per_year[1:]:
        fixed &= {(d.month, d.day) for d in days}
    regexes = [Regex(time=day_attrs(None, m, d)) for m, d in sorted(fixed)]
    for days in per_year:
        regexes += [Regex(time=day_attrs(d.year, d.month, d.day)) for d in sorted(days) if (d.month, d.day) not in fixed]
    return regexes


@register
class Schedule(NodeKind):
    kind = "schedule"
    schema = ScheduleSchema
    branch_names = ("open", "closed")
    required_branches = ("open", "closed")
    template = {"week": {day: [["08:00", "16:00"]] for day in DAYS[:5]}, "holidays": "pl"}

    def lint(self, node, snapshot):
        f = node.fields
        if not any(f["week"].values()) and not any(e["hours"] for e in f["exceptions"]):
            return [Message("lint.never_open", branch=BRANCHES["closed"])]
        return []

    def lower(self, node, low):
        name, f = low.dest(node.id), node.fields

        def decide(ext_name: str, outcome: str, any_of: list[Regex]) -> Extension:
            actions = [*low.enter(node, outcome), *low.follow(node, outcome)]
            return Extension(ext_name, [ir.destination_is(name), Condition(any_of=ir.any_time(any_of), actions=actions)])

        extensions = [Extension(f"{name}_TZ", [ir.destination_is(name, [low.timezone_action()])], continue_=True)]
        special = [e for e in f["exceptions"] if e["hours"]]
        if special:
            extensions.append(decide(f"{name}_EXCEPTION_OPEN", "open", [
                Regex(time={**day_attrs(*e["date"]), "time-of-day": tod(*w)}) for e in special for w in e["hours"]]))
        if f["exceptions"]:
            extensions.append(decide(f"{name}_EXCEPTION_CLOSED", "closed",
                                     [Regex(time=day_attrs(*e["date"])) for e in f["exceptions"]]))
        if f["holidays"]:
            extensions.append(decide(f"{name}_HOLIDAY", "closed",
                                     holiday_regexes(f["holidays"], low.snap.today.year, HOLIDAY_YEARS)))
        weekly = weekly_regexes(f["week"])
        if weekly:
            extensions.append(decide(f"{name}_OPEN", "open", weekly))
        extensions.append(ir.simple(name, [*low.enter(node, "closed"), *low.follow(node, "closed")],
                                    ext_name=f"{name}_CLOSED"))
        return extensions

    def wording(self, stop, node, events, book):
        return {"text": f"schedule {stop['label']}: {stop['outcome']}"}

    def story(self, stop, node, events, book, language):
        branch = STORY[language if language in STORY else "en"].get(stop["outcome"], stop["outcome"])
        return [(stop["at"], told(STORY, language, "schedule", name=stop["label"], branch=branch))]


STORY = {"pl": {"schedule": "Harmonogram „{name}”: {branch}", "open": "otwarte", "closed": "zamknięte"},
         "en": {"schedule": "Schedule “{name}”: {branch}", "open": "open", "closed": "closed"}}
