"""Personal greeting (komunikat spersonalizowany): a greeting for some callers only — those on a
number list, the contacts of a contact group, or every contact of the company — optionally only
within a date range; then every caller goes on to `next`.

Callers are matched as a caller condition matches them (pbx.nodes.caller_condition): the numbers
are compiled into regexes over caller_id_number, so no database is read while a call hunts. The
date range is the occasional announcement's (pbx.nodes.occasional), evaluated at hunt time. A caller
who should hear two greetings hears both when two personal nodes are chained.
"""
from __future__ import annotations

from marshmallow import ValidationError, fields, validates_schema

from pbx.dialplan import ir
from pbx.dialplan.ir import Condition, Extension
from pbx.messages import Message
from pbx.nodes import register
from pbx.nodes.base import (BRANCHES, NodeKind, NodeSchema, RefId, missing_prompt, object_ids,
                            prompt_language, told)
from pbx.nodes.caller_condition import caller_regexes
from pbx.nodes.occasional import (LocalDateTime, shown, typed, check_range, greeting, past, range_regexes,
                                  zone_first)
from pbx.tenancy import missing
from schemas.fields import Name


class PersonalSchema(NodeSchema):
    prompt = RefId("announcement", required=True, metadata={"summary": True})
    # Who hears it: one of a number list, a contact group, every contact.
    list = RefId("list", load_default=None, allow_none=True, metadata={"summary": True})
    contact_group = Name(max_length=40, min_length=0, load_default="", metadata={"summary": True})
    all_contacts = fields.Boolean(load_default=False)
    start = LocalDateTime(load_default=None, allow_none=True)
    end = LocalDateTime(load_default=None, allow_none=True)

    @validates_schema
    def _callers_and_range(self, data, **_):
        if [bool(data.get("list")), bool(data.get("contact_group")), bool(data.get("all_contacts"))].count(True) != 1:
            raise ValidationError(Message("personal.one_kind_of_callers"), "list")
        check_range(data, required=False)


def callers(node, snapshot) -> list[str]:
    """The numbers (E.164, or prefixes ending in *) whose callers hear the greeting."""
    f = node.fields
    if f["list"]:
        number_list = snapshot.lists.get(f["list"])
        return list(number_list.patterns) if number_list is not None else []
    chosen = snapshot.contact_group(f["contact_group"]) if f["contact_group"] else snapshot.contacts.values()
    return sorted({number for contact in chosen for number in contact.numbers})


@register
class Personal(NodeKind):
    kind = "personal"
    schema = PersonalSchema
    branch_names = ("next",)

    def references(self, data):
        return object_ids("announcement", data.get("prompt")) + object_ids("list", data.get("list"))

    def check(self, node, snapshot):
        found = missing_prompt(node.fields["prompt"], snapshot)
        if node.fields["list"] and node.fields["list"] not in snapshot.lists:
            found.append(missing("NumberList", [node.fields["list"]]))
        return found

    def lint(self, node, snapshot):
        f = node.fields
        found = prompt_language(f["prompt"], snapshot)
        if "next" not in node.branches:
            found.append(Message("lint.dead_end", branch=BRANCHES["next"]))
        if not callers(node, snapshot):
            found.append(Message("lint.personal_nobody"))
        if f["end"] is not None and past(f["end"], snapshot):
            found.append(Message("lint.greeting_past", end=shown(f["end"])))
        return found

    def lower(self, node, low):
        f, dest = node.fields, low.dest(node.id)
        play = greeting(low, node, "played")
        when = [Condition(any_of=ir.any_time(range_regexes(f["start"], f["end"])))] if f["start"] else []
        extensions = [zone_first(low, node)] if when else []
        for index, regex in enumerate(caller_regexes(callers(node, low.snap))):
            conditions = [ir.destination_is(dest), Condition("caller_id_number", regex), *when]
            conditions[-1].actions = list(play)
            extensions.append(Extension(f"{dest}_PLAY_{index}", conditions))
        extensions.append(ir.simple(dest, [*low.enter(node, "skipped"), *low.follow(node, "next")],
                                    ext_name=f"{dest}_SKIP"))
        return extensions

    def wording(self, stop, node, events, book):
        played = stop["outcome"] == "played"
        return {"text": f"{stop['label']}: {'played' if played else 'not for this caller'}", "played": played}

    def story(self, stop, node, events, book, language):
        played = stop["outcome"] == "played"
        if node.get("list"):
            number_list = book.owned("list", node.get("list"))
            who = told(STORY, language, "list", name=number_list.name if number_list is not None else node["list"])
        elif node.get("contact_group"):
            who = told(STORY, language, "group", name=node["contact_group"])
        else:
            who = told(STORY, language, "contacts")
        dates = told(STORY, language, "dates", start=typed(node["start"]), end=typed(node["end"])) \
            if node.get("start") and node.get("end") else ""
        return [(stop["at"], told(STORY, language, "played" if played else "skipped", name=stop["label"], who=who,
                                  dates=dates))]


STORY = {"pl": {"played": "Komunikat spersonalizowany „{name}” dla: {who}{dates}: odtworzony",
                "skipped": "Komunikat spersonalizowany „{name}” dla: {who}{dates}: pominięty",
                "list": "lista „{name}”", "group": "grupa kontaktów „{name}”", "contacts": "kontakty firmy",
                "dates": " (od {start} do {end})"},
         "en": {"played": "Personal greeting “{name}” for {who}{dates}: played",
                "skipped": "Personal greeting “{name}” for {who}{dates}: skipped",
                "list": "list “{name}”", "group": "contact group “{name}”", "contacts": "the company's contacts",
                "dates": " (from {start} to {end})"}}
