"""Caller condition: route by the caller's number on a number list (VIP), or reject (blacklist),
or by the caller being a contact of a contact group (e.g. "VIP" in the company's contacts).

A contact group is matched by the numbers of its contacts as the directory snapshot holds them:
the regexes are compiled into the dialplan, so no database is read while a call hunts.

A rejected call is hung up with CALL_REJECTED before it is answered: the carrier gets
`603 Decline` (captured: sip_hangup_disposition=send_refuse).
"""
from __future__ import annotations

from marshmallow import ValidationError, validates_schema

from pbx.dialplan import dialing, ir
from pbx.dialplan.ir import Action, Condition, Extension
from pbx.messages import Message
from pbx.nodes import register
from pbx.nodes.base import BRANCHES, NodeKind, NodeSchema, RefId, object_ids, told
from pbx.tenancy import missing
from schemas.fields import Name

PATTERNS_PER_CONDITION = 200  # keeps each compiled PCRE far below its 64 KiB limit


class CallerConditionSchema(NodeSchema):
    # One of the two: a number list, or a group of the company's contacts.
    list = RefId("list", load_default=None, allow_none=True, metadata={"summary": True})
    contact_group = Name(max_length=40, min_length=0, load_default="", metadata={"summary": True})

    @validates_schema
    def _list_or_group(self, data, **_):
        if bool(data.get("list")) == bool(data.get("contact_group")):
            raise ValidationError(Message("caller_condition.list_or_group"), "list")


def caller_regexes(patterns) -> list[str]:
    alternatives = [dialing.number_regex(p) for p in patterns]
    return ["^(?:" + "|".join(alternatives[i:i + PATTERNS_PER_CONDITION]) + ")"
            for i in range(0, len(alternatives), PATTERNS_PER_CONDITION)]


@register
class CallerCondition(NodeKind):
    kind = "caller_condition"
    schema = CallerConditionSchema
    branch_names = ("match", "otherwise")
    required_branches = ("otherwise",)

    def references(self, data):
        return object_ids("list", data.get("list"))

    def check(self, node, snapshot):
        if node.fields.get("contact_group"):
            return [] if "match" in node.branches else [Message("check.vip_needs_match", branch=BRANCHES["match"])]
        number_list = snapshot.lists.get(node.fields["list"])
        if number_list is None:
            return [missing("NumberList", [node.fields["list"]])]
        if number_list.kind == "blacklist" and "match" in node.branches:
            return [Message("check.blacklist_match", branch=BRANCHES["match"])]
        if number_list.kind == "vip" and "match" not in node.branches:
            return [Message("check.vip_needs_match", branch=BRANCHES["match"])]
        return []

    def lint(self, node, snapshot):
        group = node.fields.get("contact_group")
        if group:
            if not _group_numbers(snapshot, group):
                return [Message("lint.contact_group_empty", name=group, branch=BRANCHES["otherwise"])]
            return []
        number_list = snapshot.lists.get(node.fields["list"])
        if number_list is not None and not number_list.patterns:
            return [Message("lint.list_empty", name=number_list.name or number_list.id, branch=BRANCHES["otherwise"])]
        return []

    def lower(self, node, low):
        name, group = low.dest(node.id), node.fields.get("contact_group")
        number_list = None if group else low.snap.lists[node.fields["list"]]
        patterns = _group_numbers(low.snap, group) if group else number_list.patterns
        if number_list is not None and number_list.kind == "blacklist":
            on_match = [*low.enter(node, "rejected"), Action("set", "centralka_blacklisted=true"),
                        Action("hangup", "CALL_REJECTED")]
        else:
            on_match = [*low.enter(node, "match"), *low.follow(node, "match")]
        extensions = [
            Extension(f"{name}_MATCH_{index}", [ir.destination_is(name),
                                                Condition("caller_id_number", regex, actions=list(on_match))])
            for index, regex in enumerate(caller_regexes(patterns))]
        extensions.append(ir.simple(name, [*low.enter(node, "otherwise"), *low.follow(node, "otherwise")],
                                    ext_name=f"{name}_OTHERWISE"))
        return extensions

    def wording(self, stop, node, events, book):
        if node.get("contact_group"):
            words = {"match": "a contact of the group", "otherwise": "not a contact of the group"}
            return {"text": f"contact group {node['contact_group']}: {words.get(stop['outcome'], stop['outcome'])}"}
        number_list = book.owned("list", node.get("list"))
        name = number_list.name if number_list is not None else stop["label"]
        words = {"match": "on the list", "otherwise": "not on the list", "rejected": "blacklisted, rejected"}
        return {"text": f"caller list {name}: {words.get(stop['outcome'], stop['outcome'])}"}

    def story(self, stop, node, events, book, language):
        if node.get("contact_group"):
            key = "group_match" if stop["outcome"] == "match" else "group_otherwise"
            return [(stop["at"], told(STORY, language, key, name=node["contact_group"]))]
        number_list = book.owned("list", node.get("list"))
        name = number_list.name if number_list is not None else stop["label"]
        key = stop["outcome"] if stop["outcome"] in STORY["en"] else "otherwise"
        return [(stop["at"], told(STORY, language, key, name=name))]


def _group_numbers(snapshot, group: str) -> list[str]:
    return sorted({number for contact in snapshot.contact_group(group) for number in contact.numbers})


STORY = {"pl": {"group_match": "Grupa kontaktów „{name}”: dzwoniący jest kontaktem z tej grupy",
                "group_otherwise": "Grupa kontaktów „{name}”: dzwoniący nie jest kontaktem z tej grupy",
                "match": "Lista „{name}”: numer dzwoniącego jest na liście",
                "otherwise": "Lista „{name}”: numeru dzwoniącego nie ma na liście",
                "rejected": "Lista „{name}”: numer zablokowany, połączenie odrzucone"},
         "en": {"group_match": "Contact group “{name}”: the caller is a contact of the group",
                "group_otherwise": "Contact group “{name}”: the caller is not a contact of the group",
                "match": "List “{name}”: the caller's number is on the list",
                "otherwise": "List “{name}”: the caller's number is not on the list",
                "rejected": "List “{name}”: number blocked, call rejected"}}
