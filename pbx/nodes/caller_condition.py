"""Caller condition: route by the caller's number on a number list (VIP), or reject (blacklist).

A rejected call is hung up with CALL_REJECTED before it is answered: the carrier gets
`603 Decline` (captured: sip_hangup_disposition=send_refuse).
"""
from __future__ import annotations

from pbx.dialplan import dialing, ir
from pbx.dialplan.ir import Action, Condition, Extension
from pbx.messages import Message
from pbx.nodes import register
from pbx.nodes.base import BRANCHES, NodeKind, NodeSchema, RefId, object_ids, told
from pbx.tenancy import missing

PATTERNS_PER_CONDITION = 200  # keeps each compiled PCRE far below its 64 KiB limit


class CallerConditionSchema(NodeSchema):
    list = RefId("list", required=True, metadata={"summary": True})


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
        number_list = snapshot.lists.get(node.fields["list"])
        if number_list is None:
            return [missing("NumberList", [node.fields["list"]])]
        if number_list.kind == "blacklist" and "match" in node.branches:
            return [Message("check.blacklist_match", branch=BRANCHES["match"])]
        if number_list.kind == "vip" and "match" not in node.branches:
            return [Message("check.vip_needs_match", branch=BRANCHES["match"])]
        return []

    def lint(self, node, snapshot):
        number_list = snapshot.lists.get(node.fields["list"])
        if number_list is not None and not number_list.patterns:
            return [Message("lint.list_empty", name=number_list.name or number_list.id, branch=BRANCHES["otherwise"])]
        return []

    def lower(self, node, low):
        number_list, name = low.snap.lists[node.fields["list"]], low.dest(node.id)
        if number_list.kind == "blacklist":
            on_match = [*low.enter(node, "rejected"), Action("set", "centralka_blacklisted=true"),
                        Action("hangup", "CALL_REJECTED")]
        else:
            on_match = [*low.enter(node, "match"), *low.follow(node, "match")]
        extensions = [
            Extension(f"{name}_MATCH_{index}", [ir.destination_is(name),
                                                Condition("caller_id_number", regex, actions=list(on_match))])
            for index, regex in enumerate(caller_regexes(number_list.patterns))]
        extensions.append(ir.simple(name, [*low.enter(node, "otherwise"), *low.follow(node, "otherwise")],
                                    ext_name=f"{name}_OTHERWISE"))
        return extensions

    def wording(self, stop, node, events, book):
        number_list = book.owned("list", node.get("list"))
        name = number_list.name if number_list is not None else stop["label"]
        words = {"match": "on the list", "otherwise": "not on the list", "rejected": "blacklisted, rejected"}
        return {"text": f"caller list {name}: {words.get(stop['outcome'], stop['outcome'])}"}

    def story(self, stop, node, events, book, language):
        number_list = book.owned("list", node.get("list"))
        name = number_list.name if number_list is not None else stop["label"]
        key = stop["outcome"] if stop["outcome"] in STORY["en"] else "otherwise"
        return [(stop["at"], told(STORY, language, key, name=name))]


STORY = {"pl": {"match": "Lista „{name}”: numer dzwoniącego jest na liście",
                "otherwise": "Lista „{name}”: numeru dzwoniącego nie ma na liście",
                "rejected": "Lista „{name}”: numer zablokowany, połączenie odrzucone"},
         "en": {"match": "List “{name}”: the caller's number is on the list",
                "otherwise": "List “{name}”: the caller's number is not on the list",
                "rejected": "List “{name}”: number blocked, call rejected"}}
