"""Call a server (wywołaj serwer): the company's own HTTPS endpoint says where the call goes.

The node transfers to its `ASK` step. When FreeSWITCH hunts that step, the switch endpoint asks
the server (pbx.server_call, within the node's deadline, well inside mod_xml_curl's 3 s) and
replies with one `ASK` extension that goes to the branch or target answered, or to `fallback`
with the reason. The `ASK` extension compiled into the document is that fallback too (reason
`unasked`): it is what a hunt gets when the endpoint serves its last good document. Each reply is
built for its call and never cached. The path entry ends with what happened: `router:sales`,
`router:user:101`, `router:fallback:timeout`; `centralka_server` holds the same words.
"""
from __future__ import annotations

from marshmallow import ValidationError, fields, validate

from pbx.dialplan import ir
from pbx.dialplan.ir import Action
from pbx.messages import Message
from pbx.nodes import register
from pbx.nodes.base import BRANCHES, NodeKind, NodeSchema, told
from pbx.server_call import ANSWER_NAME, TARGETS, Answer, check_url

ASK = "ASK"
RESULT = "centralka_server"
DEADLINE_MS = (200, 2000)  # mod_xml_curl waits 3 s for the whole hunt (freeswitch/.../xml_curl.conf.xml)


class AnswerName(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not ANSWER_NAME.fullmatch(text) or text == "fallback":
            raise ValidationError(Message("server.answer_name", value=text))
        return text


class ServerSchema(NodeSchema):
    url = fields.String(required=True, validate=validate.Length(min=1, max=500), metadata={"summary": True})
    timeout_ms = fields.Integer(strict=True, load_default=1500, validate=validate.Range(*DEADLINE_MS),
                                metadata={"unit": "ms"})
    # Targets the server may name besides the branches; none unless the admin allows them.
    target_user = fields.Boolean(load_default=False)
    target_group = fields.Boolean(load_default=False)
    target_number = fields.Boolean(load_default=False)
    # Answers' children are parsed as branches; here only the names are checked.
    answers = fields.Dict(keys=AnswerName(), values=fields.Raw(allow_none=True), load_default=dict)


@register
class Server(NodeKind):
    kind = "server"
    schema = ServerSchema
    branch_names = ("fallback",)
    keyed_branches = "answers"
    template = {"url": "https://", "timeout_ms": 1500}

    def branch_items(self, data):
        answers = data.get("answers") if isinstance(data.get("answers"), dict) else {}
        return [(k, v) for k, v in sorted(answers.items()) if v is not None] + super().branch_items(data)

    def own_fields(self, data):
        own = super().own_fields(data)
        if isinstance(own.get("answers"), dict):
            own["answers"] = {k: None for k in own["answers"]}
        return own

    def check(self, node, snapshot):
        found = []
        if check_url(node.fields["url"]) == "bad_url":
            found.append(Message("check.server_url", value=node.fields["url"]))
        if not node.fields["answers"] and not allowed_targets(node):
            found.append(Message("check.server_empty"))
        return found

    def lint(self, node, snapshot):
        found = []
        if check_url(node.fields["url"]) == "not_https":
            found.append(Message("lint.server_not_https"))
        if "fallback" not in node.branches:
            found.append(Message("lint.server_no_fallback", branch=BRANCHES["fallback"]))
        return found

    def waits(self, node, branch, snapshot):
        return False  # the answer comes at once, and may be the same every time

    def lower(self, node, low):
        ask = low.dest(node.id, ASK)
        low.asks.append(ask_spec(node, low, ask))
        spec = node_spec_of(node, low)
        return [ir.simple(low.dest(node.id), [*low.enter(node), low.transfer(ask)]),
                ir.simple(ask, reply_actions({**spec, "ask": ask}, None, "unasked", low.context)),
                ir.simple(f"{ask}_FALLBACK", low.follow(node, "fallback"))]

    def describe(self, node):
        return node.name or f"server {node.id}"

    def wording(self, stop, node, events, book):
        outcome = stop["outcome"] or ""
        kind, _, rest = outcome.partition(":")
        if kind == "fallback":
            return {"text": f"server {stop['label']}: no answer ({rest}), fallback", "reason": rest}
        return {"text": f"server {stop['label']}: {outcome.replace(':', ' ')}", "answer": outcome}

    def story(self, stop, node, events, book, language):
        kind, _, rest = (stop["outcome"] or "").partition(":")
        name = node.get("name") or node.get("id")  # the label adds "server", which the sentence says already
        if kind == "fallback":
            reason = REASONS.get(language, REASONS["en"]).get(rest, rest)
            return [(stop["at"], told(STORY, language, "fallback", name=name, reason=reason))]
        return [(stop["at"], told(STORY, language, "answer", name=name, answer=(stop["outcome"] or "").replace(":", " ")))]


def allowed_targets(node) -> list[str]:
    return [kind for kind in TARGETS if node.fields[f"target_{kind}"]]


def node_spec_of(node, low) -> dict:
    """Where each answer leads, in the current scenario: branch destinations and the fallback."""
    def dest(branch):
        child = node.branches.get(branch)
        return low.dest(child.id) if child is not None else None
    return {"node": node.id, "answers": {name: dest(name) for name in node.fields["answers"]},
            "fallback": dest("fallback")}


def ask_spec(node, low, ask: str) -> dict:
    """What the endpoint needs to ask for one `ASK` hunt (kept with the company's compile)."""
    f, snap, targets = node.fields, low.snap, allowed_targets(node)
    extensions = {u.extension: "user" for u in snap.users.values() if u.extension}
    extensions.update({g.extension: "group" for g in snap.groups.values() if g.extension})
    return {**node_spec_of(node, low), "ask": ask, "url": f["url"], "timeout_ms": f["timeout_ms"],
            "targets": targets, "timezone": snap.timezone, "context": low.context,
            "extensions": {e: k for e, k in extensions.items() if k in targets}}


def reply_actions(spec: dict, answer: Answer | None, reason: str, context: str) -> list[Action]:
    """The `ASK` step's actions for an answer, or for the fallback with its reason.

    Every value here passed pbx.server_call's strict checks (names, digits, E.164) or is ours.
    """
    if answer is None:
        outcome, dest = f"fallback:{reason}", spec["fallback"]
        go = [Action("transfer", f"{dest} XML {context}")] if dest else [Action("hangup", "NORMAL_CLEARING")]
    elif answer.kind == "branch":
        outcome, dest = answer.value, spec["answers"].get(answer.value)
        go = [Action("transfer", f"{dest} XML {context}")] if dest else [Action("hangup", "NORMAL_CLEARING")]
    else:
        outcome = f"{answer.kind}:{answer.value}"
        go = [Action("transfer", f"{answer.value} XML {context}")] if answer.kind == "number" else [
            # Nobody answering (or the extension gone meanwhile) takes the fallback.
            Action("set", f"centralka_dial_return={spec['ask']}_FALLBACK"),
            Action("transfer", f"direct_{answer.value} XML {context}")]
    return [Action("set", f"{RESULT}={spec['node']}:{outcome}"),
            Action("set", f"centralka_path=${{centralka_path}}:{outcome}"), *go]


STORY = {"pl": {"answer": "Serwer „{name}” odpowiedział: {answer}",
                "fallback": "Serwer „{name}” nie dał odpowiedzi ({reason}): gałąź „awaryjna”"},
         "en": {"answer": "Server “{name}” answered: {answer}",
                "fallback": "Server “{name}” gave no answer ({reason}): the fallback branch"}}
# Why a server gave no answer (pbx.server_call's reasons), as a test call tells it.
REASONS = {"pl": {"timeout": "nie odpowiedział w czasie", "status": "odpowiedział błędem",
                  "redirect": "przekierował zapytanie", "too_big": "odpowiedź za duża",
                  "bad_signature": "zły podpis odpowiedzi", "bad_json": "odpowiedź nie jest JSON-em",
                  "bad_answer": "odpowiedź w złej postaci", "unknown_branch": "nieznana gałąź",
                  "target_not_allowed": "cel niedozwolony w węźle", "unknown_target": "nie ma takiego numeru wewnętrznego",
                  "not_https": "adres nie jest https", "refused_address": "adres w sieci wewnętrznej",
                  "unreachable": "serwer nieosiągalny", "tls": "certyfikat nieprawidłowy",
                  "no_key": "firma nie ma klucza podpisu", "unasked": "nie zapytano"},
           "en": {"timeout": "no answer in time", "status": "answered with an error", "redirect": "redirected",
                  "too_big": "answer too big", "bad_signature": "wrong signature", "bad_json": "not JSON",
                  "bad_answer": "malformed answer", "unknown_branch": "unknown branch",
                  "target_not_allowed": "target not allowed on the node", "unknown_target": "no such extension",
                  "not_https": "address not https", "refused_address": "address inside a private network",
                  "unreachable": "server unreachable", "tls": "certificate not valid",
                  "no_key": "the company has no signing key", "unasked": "not asked"}}
