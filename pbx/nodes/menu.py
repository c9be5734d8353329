"""Menu (IVR): a prompt, keypad options 0-9 * #, no-input and invalid branches, direct dial.

Each try is `read <min> <max> <file> <var> <timeout ms> <terminators> <digit timeout ms>`
(mod_dptools.c), then the PICK hunt branches on <var>. Not play_and_get_digits: it plays its
invalid file after every failed try, so a caller who merely waits would hear the invalid tone
(switch_play_and_get_digits in switch_ivr_play_say.c).
"""
from __future__ import annotations

from marshmallow import ValidationError, fields, validate

from pbx.dialplan import ir
from pbx.dialplan.ir import Action, Condition, Extension
from pbx.messages import Message
from pbx.nodes import register
from pbx.nodes.base import (BRANCHES, NodeKind, NodeSchema, RefId, missing_prompt, object_ids, prompt_language,
                            told)

KEYS = "1234567890*#"
KEY_LABELS = {"*": "star", "#": "hash"}
INVALID_TONE = "tone_stream://%(200,100,480,620)"
DIGIT_TIMEOUT_MS = 2000
DIRECT_DIAL_RE = "[0-9]{2,6}"
TRY, WRONG = "centralka_menu_try", "centralka_menu_wrong"  # the menu's try; a wrong key was pressed in one


class OptionKey(fields.String):
    choices = tuple(KEYS)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) != 1 or text not in KEYS:
            raise ValidationError(Message("menu.not_a_key", value=text))
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
            found.append(Message("check.menu_empty"))
        return found

    def lint(self, node, snapshot):
        found = prompt_language(node.fields["prompt"], snapshot)
        for branch, code in (("no_input", "lint.menu_no_input"), ("invalid", "lint.menu_invalid")):
            if branch not in node.branches:
                found.append(Message(code, branch=BRANCHES[branch]))
        return found

    def waits(self, node, branch, snapshot):
        return True  # every branch follows a key pressed, or the prompt's timeout

    def lower(self, node, low):
        f, name, keys = node.fields, low.dest(node.id), list(node.fields["options"])
        pick = low.dest(node.id, "PICK")
        read = " ".join(map(str, [1, 6 if f["direct_dial"] else 1, low.prompt(f["prompt"]), "centralka_choice",
                                  f["timeout_seconds"] * 1000, terminator(keys), DIGIT_TIMEOUT_MS]))

        def attempt(number: int) -> list[Action]:
            return [Action("set", f"{TRY}={number}"), Action("read", read), low.transfer(pick)]

        extensions = [ir.simple(name, [*low.enter(node), Action("answer"), Action("unset", WRONG), *attempt(1)])]
        extensions += [ir.simple(low.dest(node.id, f"TRY{n}"), attempt(n)) for n in range(2, f["repeat"] + 1)]
        for key in keys:
            expression = "^" + ("\\" + key if key == "*" else key) + "$"
            extensions.append(self._choice(f"{pick}_{KEY_LABELS.get(key, key)}", pick, "${centralka_choice}",
                                           expression, [low.outcome(key), *low.follow(node, key)]))
        if f["direct_dial"]:
            # Only `direct_<ext>` targets are reachable: never the outbound routes of the context.
            extensions.append(self._choice(f"{pick}_DIAL", pick, "${centralka_choice}", f"^({DIRECT_DIAL_RE})$", [
                low.outcome("dial:$1"), Action("set", f"centralka_dial_return={name}"),
                Action("transfer", f"direct_$1 XML {low.context}")]))
        return extensions + self._retries(node, low, pick)

    @staticmethod
    def _retries(node, low, pick) -> list[Extension]:
        """A wrong key plays the invalid prompt, silence plays nothing; both hear the menu again until
        the last try, then go to `invalid` (a wrong key in any try) or `no_input`."""
        f = node.fields
        invalid_file = low.prompt(f["invalid_prompt"]) if f["invalid_prompt"] else INVALID_TONE
        wrong_key = [Action("set", f"{WRONG}=true"), Action("playback", invalid_file)]
        extensions = [Extension(f"{pick}_AGAIN{n}", [
            ir.destination_is(pick), Condition(f"${{{TRY}}}", f"^{n}$"),
            Condition("${centralka_choice}", "^.", break_="never", actions=wrong_key),
            Condition(actions=[low.transfer(low.dest(node.id, f"TRY{n + 1}"))])]) for n in range(1, f["repeat"])]
        invalid = [low.outcome("invalid"), *low.follow(node, "invalid")]
        return extensions + [
            Menu._choice(f"{pick}_INVALID", pick, "${centralka_choice}", "^.",
                         [Action("playback", invalid_file), *invalid]),
            Menu._choice(f"{pick}_INVALID_BEFORE", pick, f"${{{WRONG}}}", "^true$", invalid),
            ir.simple(pick, [low.outcome("no_input"), *low.follow(node, "no_input")], ext_name=f"{pick}_NO_INPUT")]

    def wording(self, stop, node, events, book):
        outcome = (stop["outcome"] or "").partition(":")[0]  # `dial:<ext>`
        tries = [s.details for s in events if s.kind == "digits"]
        chosen = outcome not in ("no_input", "invalid")
        attempts = [{**t, "attempt": n, "accepted": chosen and n == len(tries)} for n, t in enumerate(tries, 1)]
        typed = next((a["digits"] for a in reversed(attempts) if a.get("digits")), "")
        words = {"no_input": f"no input ({len(attempts)} prompts)", "invalid": f"invalid key {typed}",
                 "dial": f"dial {typed}"}.get(outcome, outcome)
        return {"text": f"menu {stop['label']}: {words}", "attempts": attempts}

    def story(self, stop, node, events, book, language):
        dialled = (stop["outcome"] or "").startswith("dial")
        lines = [(stop["at"], told(STORY, language, "menu", name=stop["label"]))]
        for step, attempt in zip([s for s in events if s.kind == "digits"],
                                 self.wording(stop, node, events, book)["attempts"]):
            key = "none" if not attempt.get("digits") else "wrong" if not attempt["accepted"] else \
                "dial" if dialled else "pressed"
            lines.append((step.at, told(STORY, language, key, name=stop["label"], digits=attempt.get("digits"))))
        return lines

    @staticmethod
    def _choice(ext_name, pick, field, expression, actions):
        return Extension(ext_name, [ir.destination_is(pick), Condition(field, expression, actions=actions)])


STORY = {"pl": {"menu": "Menu „{name}”", "pressed": "Menu „{name}”: wciśnięto {digits}",
                "dial": "Menu „{name}”: wybrano numer wewnętrzny {digits}",
                "wrong": "Menu „{name}”: wciśnięto {digits}, nie ma takiej opcji",
                "none": "Menu „{name}”: nic nie wciśnięto"},
         "en": {"menu": "Menu “{name}”", "pressed": "Menu “{name}”: pressed {digits}",
                "dial": "Menu “{name}”: dialled extension {digits}",
                "wrong": "Menu “{name}”: pressed {digits}, no such option",
                "none": "Menu “{name}”: nothing pressed"}}
