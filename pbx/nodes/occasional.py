"""Occasional announcement (komunikat okazjonalny): a greeting played during a date range, e.g.
holiday wishes or "closed for inventory", then the scenario goes on to `next`.

The range is wall time in the company's zone, start included, end excluded. It is compiled to
mod_dialplan_xml's time conditions (year / mon / mday / time-of-day), which are evaluated at hunt
time in the zone of the channel variable `timezone`, so the cached XML is right on every call and
a DST change needs nothing: a range starting in an hour the clock skips starts at the next hour,
an hour the clock repeats is inside the range both times. Several greetings: chain several nodes;
when their ranges overlap a caller hears each, in the order of the chain (lint says so).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from marshmallow import ValidationError, validates_schema

from pbx.dialplan import ir
from pbx.dialplan.ir import Action, Condition, Extension, Regex
from pbx.messages import Message
from pbx.nodes import register
from pbx.nodes.base import (BRANCHES, NodeKind, NodeSchema, RefId, missing_prompt, object_ids,
                            prompt_language, told)
from pbx.nodes.schedule import DAY_END, day_attrs, tod
from schemas.fields import FIRST_YEAR, LAST_YEAR, DateText, iso_date_text, outside_years

LONGEST_RANGE = timedelta(days=366)


class LocalDateTime(DateText):
    """A wall time in the company's zone: "2026-12-24T14:00", "2026-12-24 14:00" or "24.12.2026 14:00"
    (a date alone is its midnight); kept to the minute."""

    spec_type = "datetime"

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValidationError(Message("date.not_a_date_time", value=value)) from None
        if moment.tzinfo is not None:
            raise ValidationError(Message("date.not_a_date_time", value=value))
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            raise ValidationError(outside_years(value))
        return moment.replace(second=0, microsecond=0)


def check_range(data: dict, *, required: bool) -> None:
    """Start and end given together, the end after the start, at most a year apart."""
    start, end = data.get("start"), data.get("end")
    if start is None and end is None and not required:
        return
    if start is None or end is None:
        raise ValidationError(Message("greeting.range_both"), "start" if start is None else "end")
    if end <= start:
        raise ValidationError(Message("greeting.end_before_start", start=shown(start), end=shown(end)), "end")
    if end - start > LONGEST_RANGE:
        raise ValidationError(Message("greeting.range_too_long", days=LONGEST_RANGE.days), "end")


class OccasionalSchema(NodeSchema):
    prompt = RefId("announcement", required=True, metadata={"summary": True})
    start = LocalDateTime(required=True, metadata={"summary": True})
    end = LocalDateTime(required=True, metadata={"summary": True})

    @validates_schema
    def _range(self, data, **_):
        check_range(data, required=True)


def shown(moment: datetime) -> str:
    return moment.strftime("%d.%m.%Y %H:%M")


def _seconds(moment: datetime) -> int:
    return moment.hour * 3600 + moment.minute * 60


def range_regexes(start: datetime, end: datetime) -> list[Regex]:
    """[start, end) as time windows: the partial first and last days with their hours, the whole
    days between as one mday range per month."""
    regexes, run = [], []  # run: consecutive whole days of one month

    def close_run():
        if run:
            days = str(run[0].day) if len(run) == 1 else f"{run[0].day}-{run[-1].day}"
            regexes.append(Regex(time={"year": str(run[0].year), "mon": str(run[0].month), "mday": days}))
            run.clear()

    day, last = start.date(), (end - timedelta(minutes=1)).date()
    while day <= last:
        low = _seconds(start) if day == start.date() else 0
        high = _seconds(end) if day == end.date() else DAY_END
        if run and (run[-1].month != day.month or (low, high) != (0, DAY_END)):
            close_run()
        if (low, high) == (0, DAY_END):
            run.append(day)
        else:
            regexes.append(Regex(time={**day_attrs(day.year, day.month, day.day), "time-of-day": tod(low, high)}))
        day += timedelta(days=1)
    close_run()
    return regexes


def dated(low, node, name: str, actions: list[Action], start, end) -> Extension:
    """Extension `name`: runs `actions` when the node is hunted within [start, end) (the zone set first)."""
    return Extension(name, [ir.destination_is(low.dest(node.id)),
                            Condition(any_of=ir.any_time(range_regexes(start, end)), actions=actions)])


def zone_first(low, node) -> Extension:
    """Sets `timezone` inline before the time conditions of the same hunt (see pbx.nodes.schedule)."""
    dest = low.dest(node.id)
    return Extension(f"{dest}_TZ", [ir.destination_is(dest, [low.timezone_action()])], continue_=True)


def greeting(low, node, outcome: str) -> list[Action]:
    """Play the node's prompt once, then go on to `next`."""
    return [*low.enter(node, outcome), Action("answer"), Action("playback", low.prompt(node.fields["prompt"])),
            *low.follow(node, "next")]


def past(end: datetime, snapshot) -> bool:
    return end.date() < snapshot.today


@register
class Occasional(NodeKind):
    kind = "occasional"
    schema = OccasionalSchema
    branch_names = ("next",)

    def references(self, data):
        return object_ids("announcement", data.get("prompt"))

    def check(self, node, snapshot):
        return missing_prompt(node.fields["prompt"], snapshot)

    def lint(self, node, snapshot):
        f = node.fields
        found = prompt_language(f["prompt"], snapshot)
        if "next" not in node.branches:
            found.append(Message("lint.dead_end", branch=BRANCHES["next"]))
        if past(f["end"], snapshot):
            found.append(Message("lint.greeting_past", end=shown(f["end"])))
        for earlier in node.ancestors():
            if earlier.kind == self.kind and earlier.fields["start"] < f["end"] and f["start"] < earlier.fields["end"]:
                found.append(Message("lint.greetings_overlap", other=earlier.name or earlier.id))
        return found

    def lower(self, node, low):
        f, dest = node.fields, low.dest(node.id)
        return [zone_first(low, node),
                dated(low, node, f"{dest}_PLAY", greeting(low, node, "played"), f["start"], f["end"]),
                ir.simple(dest, [*low.enter(node, "skipped"), *low.follow(node, "next")], ext_name=f"{dest}_SKIP")]

    def wording(self, stop, node, events, book):
        played = stop["outcome"] == "played"
        return {"text": f"{stop['label']}: {'played' if played else 'outside its dates'}", "played": played}

    def story(self, stop, node, events, book, language):
        key = "played" if stop["outcome"] == "played" else "skipped"
        return [(stop["at"], told(STORY, language, key, name=stop["label"], start=typed(node.get("start")),
                                  end=typed(node.get("end"))))]


def typed(text) -> str:
    """A stored start or end as the panel shows it (drafts hold what was typed)."""
    try:
        return shown(datetime.fromisoformat(iso_date_text(str(text))))
    except ValueError:
        return str(text)


STORY = {"pl": {"played": "Komunikat okazjonalny „{name}” (od {start} do {end}): odtworzony",
                "skipped": "Komunikat okazjonalny „{name}”: poza terminem od {start} do {end}, pominięty"},
         "en": {"played": "Occasional announcement “{name}” (from {start} to {end}): played",
                "skipped": "Occasional announcement “{name}”: outside {start} to {end}, skipped"}}
