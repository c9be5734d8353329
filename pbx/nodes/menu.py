"""Menu (IVR): a prompt, keypad options 0-9 * #, no-input and invalid branches, direct dial.

play_and_get_digits <min> <max> <tries> <timeout ms> <terminators> <file> <invalid file>
<var> <regex> <digit timeout ms> (mod_dptools.c). After the tries it leaves <var> empty and,
when a regex was given, sets <var>_invalid to the last rejected input
(switch_play_and_get_digits in switch_ivr_play_say.c): the PICK hunt branches on both.
"""
from __future__ import annotations

from marshmallow import ValidationError, fields, validate

from pbx.dialplan import ir
from pbx.dialplan.ir import Action, Condition, Extension
from pbx.nodes import register
from pbx.nodes.base import NodeKind, NodeSchema, RefId, missing_prompt, object_ids, prompt_language

KEYS = "1234567890*#"
KEY_LABELS = {"*": "star", "#": "hash"}
INVALID_TONE = "tone_stream://%(200,100,480,620)"
DIGIT_TIMEOUT_MS = 2000
DIRECT_DIAL_RE = "[0-9]{2,6}"


class OptionKey(fields.String):
    choices = tuple(KEYS)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) != 1 or text not in KEYS:
            raise ValidationError(f"option {text!r} is not one of 0-9, * or #")
        return text


class MenuSchema(NodeSchema):
    prompt = RefId("announcement", required=True, metadata={"summary": True})
    invalid_prompt = RefId("announcement", load_default=None, allow_none=True)
    repeat = fields.Integer(strict=True, load_default=2, validate=validate.Range(min=1, max=5))
    timeout_seconds = fields.Integer(strict=True, load_default=5, validate=validate.Range(min=1, max=30))
    direct_dial = fields.Boolean(load_default=False)
    # Options' children are parsed as branches; here only the keys are checked.
    options = fields.Dict(keys=OptionKey(), values=fields.Raw(allow_none=True), load_default=dict)


def terminator(keys) -> str:
    """A terminator key that is not an option (a terminator never reaches the digit buffer)."""
    return next(k for k in "#*D" if k not in keys)


def digits_regex(keys, direct_dial: bool) -> str:
    keys_class = "[" + "".join(k for k in KEYS if k in keys) + "]" if keys else ""
    alternatives = [a for a in (keys_class, DIRECT_DIAL_RE if direct_dial else "") if a]
    return "^(?:" + "|".join(alternatives) + ")$"


@register
class Menu(NodeKind):
    kind = "menu"
    schema = MenuSchema
    branch_names = ("no_input", "invalid")
    keyed_branches = "options"

    def branch_items(self, data):
        options = data.get("options") if isinstance(data.get("options"), dict) else {}
        ordered = [(k, options[k]) for k in KEYS if options.get(k) is not None]
        return ordered + super().branch_items(data)

    def own_fields(self, data):
        own = super().own_fields(data)
        if isinstance(own.get("options"), dict):
            own["options"] = {k: None for k in own["options"]}
        return own

    def references(self, data):
        return object_ids("announcement", data.get("prompt"), data.get("invalid_prompt"))

    def check(self, node, snapshot):
        found = missing_prompt(node.fields["prompt"], snapshot) + missing_prompt(node.fields["invalid_prompt"], snapshot)
        if not node.fields["options"] and not node.fields["direct_dial"]:
            found.append("a menu needs at least one option or direct dial")
        return found

    def lint(self, node, snapshot):
        found = prompt_language(node.fields["prompt"], snapshot)
        for branch, what in (("no_input", "presses nothing"), ("invalid", "presses a wrong key")):
            if branch not in node.branches:
                found.append(f"no `{branch}` branch: a caller who {what} is hung up")
        return found

    def lower(self, node, low):
        f, name, keys = node.fields, low.dest(node.id), list(node.fields["options"])
        invalid_file = low.prompt(f["invalid_prompt"]) if f["invalid_prompt"] else INVALID_TONE
        pagd = " ".join(map(str, [
            1, 6 if f["direct_dial"] else 1, f["repeat"], f["timeout_seconds"] * 1000, terminator(keys),
            low.prompt(f["prompt"]), invalid_file, "centralka_choice", digits_regex(keys, f["direct_dial"]),
            DIGIT_TIMEOUT_MS]))
        pick = low.dest(node.id, "PICK")
        extensions = [ir.simple(name, [*low.enter(node), Action("answer"), Action("play_and_get_digits", pagd),
                                       low.transfer(pick)])]
        for key in keys:
            expression = "^" + ("\\" + key if key == "*" else key) + "$"
            extensions.append(self._choice(f"{pick}_{KEY_LABELS.get(key, key)}", pick, "${centralka_choice}",
                                           expression, [low.outcome(key), *low.follow(node, key)]))
        if f["direct_dial"]:
            # Only `direct_<ext>` targets are reachable: never the outbound routes of the context.
            extensions.append(self._choice(f"{pick}_DIAL", pick, "${centralka_choice}", f"^({DIRECT_DIAL_RE})$", [
                low.outcome("dial:$1"), Action("set", f"centralka_dial_return={name}"),
                Action("transfer", f"direct_$1 XML {low.context}")]))
        extensions.append(self._choice(f"{pick}_INVALID", pick, "${centralka_choice_invalid}", "^.",
                                       [low.outcome("invalid"), *low.follow(node, "invalid")]))
        extensions.append(ir.simple(pick, [low.outcome("no_input"), *low.follow(node, "no_input")],
                                    ext_name=f"{pick}_NO_INPUT"))
        return extensions

    def wording(self, stop, node, events, book):
        attempts = [s.details for s in events if s.kind == "digits"]
        typed = next((a["digits"] for a in reversed(attempts) if a.get("digits")), "")
        outcome = (stop["outcome"] or "").partition(":")[0]  # `dial:<ext>`
        words = {"no_input": f"no input ({len(attempts)} prompts)", "invalid": f"invalid key {typed}",
                 "dial": f"dial {typed}"}.get(outcome, outcome)
        return {"text": f"menu {stop['label']}: {words}", "attempts": attempts}

    @staticmethod
    def _choice(ext_name, pick, field, expression, actions):
        return Extension(ext_name, [ir.destination_is(pick), Condition(field, expression, actions=actions)])
