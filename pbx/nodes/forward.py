"""Forward to a user, a group or an external number; optionally through a mod_callcenter queue.

Without a queue the call is bridged; `continue_on_fail=true` lets the dialplan go on after a
failed bridge and the RESULT hunt branches on `originate_disposition`, which
switch_ivr_originate.c sets to the cause name (NO_ANSWER after the originate timeout,
ALLOTTED_TIMEOUT when every leg hit its leg_timeout, USER_BUSY, CALL_REJECTED,
USER_NOT_REGISTERED, UNALLOCATED_NUMBER, NO_ROUTE_DESTINATION ...). With a queue the
`callcenter` application returns with `cc_cause` = "answered" or "cancel" (mod_callcenter.c).
"""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from pbx.dialplan import announcing, dialing, ir, recording, surveying, transferring
from pbx.dialplan.ir import Action, Condition, Extension
from pbx.messages import Message
from pbx.nodes import register
from pbx.nodes.base import BRANCHES, NodeKind, NodeSchema, RefId, object_ids, prompt_language, told
from pbx.tenancy import missing
from schemas.fields import PhoneNumber

NO_ANSWER_CAUSES = ("NO_ANSWER", "ALLOTTED_TIMEOUT", "NO_USER_RESPONSE", "RECOVERY_ON_TIMER_EXPIRE")
CC_EXPORT_VARS = "centralka_tenant,centralka_main_number,centralka_version,centralka_path"


class TargetSchema(Schema):
    user = RefId("user")
    group = RefId("group")
    number = PhoneNumber()

    @validates_schema
    def _exactly_one(self, data, **_):
        if len(data) != 1:
            raise ValidationError(Message("forward.one_target"))


class QueueSchema(Schema):
    max_wait_seconds = fields.Integer(strict=True, required=True, validate=validate.Range(min=10, max=3600),
                                      metadata={"initial": 120})
    # What waiting callers hear every interval (pbx.dialplan.announcing); queues stored before these
    # fields existed load with the defaults, which are what they announced then plus the caller's place.
    announce_place = fields.Boolean(load_default=True)
    announce_waiting = fields.Boolean(load_default=True)
    announce_every_seconds = fields.Integer(strict=True, load_default=announcing.ANNOUNCE_EVERY,
                                            validate=validate.Range(*announcing.EVERY_RANGE), metadata={"unit": "s"})
    voice = fields.String(load_default="female", validate=validate.OneOf(announcing.VOICES))


class ForwardSchema(NodeSchema):
    # One of the target's fields is given (the panel offers them as a choice, groups first on a new node).
    target = fields.Nested(TargetSchema, required=True, metadata={"one_of": True, "prefer": ["group", "user"],
                                                                  "summary": True})
    ring_seconds = fields.Integer(strict=True, load_default=30, validate=validate.Range(min=5, max=300),
                                  metadata={"summary": True, "unit": "s"})
    queue = fields.Nested(QueueSchema, load_default=None, allow_none=True, metadata={"summary": True})
    # After the employee hangs up, the caller who stayed on the line answers this survey.
    survey = RefId("survey", load_default=None, allow_none=True, metadata={"summary": True})


@register
class Forward(NodeKind):
    kind = "forward"
    schema = ForwardSchema
    branch_names = ("no_answer", "busy", "unavailable")
    # `no_answer` is also taken on busy / unavailable unless those are given; without it the call goes
    # to the group's fallback, else the company's (see `fallback`).

    def references(self, data):
        target = data.get("target") if isinstance(data.get("target"), dict) else {}
        number = target.get("number")
        return (object_ids("user", target.get("user")) + object_ids("group", target.get("group"))
                + ([("number", number)] if isinstance(number, str) else []) + object_ids("survey", data.get("survey")))

    def check(self, node, snapshot):
        target = node.fields["target"]
        if "user" in target and target["user"] not in snapshot.users:
            return [missing("User", [target["user"]])]
        if "group" in target and target["group"] not in snapshot.groups:
            return [missing("Group", [target["group"]])]
        if "user" in target and dialing.user_target(snapshot.users[target["user"]], snapshot) is None:
            return [Message("check.user_unreachable", name=snapshot.users[target["user"]].name or target["user"])]
        if node.fields["survey"] is not None and node.fields["survey"] not in snapshot.surveys:
            return [missing("Survey", [node.fields["survey"]])]
        if "number" in target and node.fields["queue"]:
            return [Message("check.queue_external")]
        if "no_answer" not in node.branches and self.fallback(node, snapshot) is None:
            return [Message("check.no_fallback", branch=BRANCHES["no_answer"])]
        return []

    @staticmethod
    def fallback(node, snapshot) -> str | None:
        """The extension of the fallback a forward without `no_answer` goes to: the group's, the company's."""
        return snapshot.fallback_extension(group_id=node.fields["target"].get("group"))

    def lint(self, node, snapshot):
        found = []
        group = snapshot.groups.get(node.fields["target"].get("group"))
        if group is not None and not dialing.member_legs(group, snapshot):
            found.append(Message("lint.group_empty", name=group.name or group.id))
        queue = node.fields["queue"]
        if queue and set(node.branches) == {"no_answer"} and node.branches["no_answer"].kind == "hangup":
            found.append(Message("lint.queue_hangs_up"))
        heard = announcing.Announcing.of_queue(queue)
        if queue and not heard.silent and heard.every >= queue["max_wait_seconds"]:
            found.append(Message("lint.queue_announced_too_late", wait=queue["max_wait_seconds"], every=heard.every))
        survey = snapshot.surveys.get(node.fields["survey"])
        for prompt in sorted({q.prompt_id for q in survey.questions} if survey else ()):
            found += prompt_language(prompt, snapshot)
        return found

    def waits(self, node, branch, snapshot):
        # Busy and unavailable end the ringing at once; they take `no_answer` unless given their own.
        group = snapshot.groups.get(node.fields["target"].get("group"))
        if branch != "no_answer" or (group is not None and not dialing.member_legs(group, snapshot)):
            return False
        return bool(node.fields["queue"]) or {"busy", "unavailable"} <= set(node.branches)

    def describe(self, node):
        target = node.fields["target"]
        return node.name or "forward to " + ", ".join(f"{k} {v}" for k, v in target.items())

    # -- lowering

    def lower(self, node, low):
        target, snap = node.fields["target"], low.snap
        group = snap.groups.get(target.get("group"))
        if group is not None and not low.memo(("reachable", group.id), lambda: bool(dialing.member_legs(group, snap))):
            actions = [*low.enter(node), low.outcome("unavailable"), *self._branch(node, low, "unavailable")]
            return [ir.simple(low.dest(node.id), actions)]
        if node.fields["queue"] or (group is not None and group.ring_mode == "longest-idle"):
            return self._queue(node, low, group) + self._survey(node, low)
        return self._bridge(node, low, group) + self._results(node, low) + self._survey(node, low)

    @staticmethod
    def _survey(node, low) -> list[Extension]:
        survey = low.snap.surveys.get(node.fields["survey"])
        if survey is None:
            return []
        return [ir.simple(low.dest(node.id, "SURVEY"), surveying.survey_actions(survey, low))]

    @staticmethod
    def _after_answer(node, low) -> list[Action]:
        """Where the caller goes once the answered call ended: the survey, else the end of the call."""
        if node.fields["survey"] is None:
            return [Action("hangup", "NORMAL_CLEARING")]
        return [low.transfer(low.dest(node.id, "SURVEY"))]

    def _prelude(self, node, low, group) -> list[Action]:
        actions = low.enter(node)
        if group is not None:
            actions.append(Action("export", f"centralka_group={group.id}"))
        if self._records(node, low.snap, group):
            path = f"${{recordings_dir}}/{low.snap.tenant_id}/${{uuid}}.wav"
            actions += [Action("answer"), Action("playback", recording.notice(low.snap)),
                        Action("record_session", path)]
        return actions

    @staticmethod
    def _records(node, snap, group) -> bool:
        user = snap.users.get(node.fields["target"].get("user"))
        if user is not None:
            return user.record_calls
        if group is not None:
            return group.record_calls or any(
                snap.users[m.user_id].record_calls for m in group.members if m.user_id in snap.users)
        return False

    def _bridge(self, node, low, group) -> list[Extension]:
        name, result = low.dest(node.id), low.dest(node.id, "RESULT")
        # With a survey the caller stays when the employee hangs up, and hunts RESULT (SUCCESS).
        stays = "false" if node.fields["survey"] is not None else "true"
        after = [Action("set", f"ringback={dialing.RINGBACK}"), Action("set", "continue_on_fail=true"),
                 Action("set", f"hangup_after_bridge={stays}")]
        if "number" not in node.fields["target"]:  # an outside party never transfers our caller
            after += transferring.bind_actions(low.snap)
        # Scenarios forward to the same few groups again and again: build each dial string once.
        key = ("dial", tuple(sorted(node.fields["target"].items())), node.fields["ring_seconds"])
        dial_strings = low.memo(key, lambda: self._dial_strings(node, low.snap, group))
        prelude = self._prelude(node, low, group)
        if len(dial_strings) == 1:
            return [ir.simple(name, [*prelude, *after, Action("bridge", dial_strings[0]), low.transfer(result)])]
        # Random ringing: one rotation of the members per UUID bucket, picked at hunt time.
        extensions = []
        buckets = dialing.uuid_buckets(len(dial_strings))
        for index, dial in enumerate(dial_strings):
            actions = [*prelude, *after, Action("bridge", dial), low.transfer(result)]
            conditions = [ir.destination_is(name)]
            if index < len(buckets):
                conditions.append(Condition("${uuid}", buckets[index], actions=actions))
            else:
                conditions[0].actions = actions
            extensions.append(Extension(f"{name}_R{index}", conditions))
        return extensions

    @staticmethod
    def _dial_strings(node, snap, group) -> list[str]:
        target, ring = node.fields["target"], node.fields["ring_seconds"]
        if "number" in target:
            leg = f"[leg_timeout={ring}]sofia/gateway/{snap.carrier_gateway}/{dialing.digits(target['number'])}"
            return [dialing.single(leg, ring)]
        if "user" in target:
            return [dialing.ring_user(snap.users[target["user"]], snap, ring)]
        if group.ring_mode == "simultaneous":
            return [dialing.simultaneous(dialing.member_legs(group, snap, ring), ring)]
        longest = max(m.ring_seconds for m in group.members)
        legs = dialing.member_legs(group, snap)
        if group.ring_mode == "random":
            return [dialing.sequential(order, longest) for order in dialing.rotations(legs)]
        return [dialing.sequential(legs, longest)]

    def _results(self, node, low) -> list[Extension]:
        result = low.dest(node.id, "RESULT")

        def on(ext_step, expression, label):
            actions = [low.outcome(label), *self._branch(node, low, label)]
            return Extension(f"{result}_{ext_step}", [
                ir.destination_is(result), Condition("${originate_disposition}", expression, actions=actions)])

        answered = []
        if node.fields["survey"] is not None:
            answered = [Extension(f"{result}_ANSWERED", [ir.destination_is(result), Condition(
                "${originate_disposition}", "^SUCCESS$", actions=self._after_answer(node, low))])]
        return answered + [
            on("BUSY", "^USER_BUSY$", "busy"),
            on("NO_ANSWER", "^(?:" + "|".join(NO_ANSWER_CAUSES) + ")$", "no_answer"),
            ir.simple(result, [low.outcome("unavailable"), *self._branch(node, low, "unavailable")],
                      ext_name=f"{result}_UNAVAILABLE"),
        ]

    def _branch(self, node, low, label) -> list[Action]:
        if label not in node.branches and "no_answer" not in node.branches:
            return [low.transfer(self.fallback(node, low.snap))]
        return low.follow(node, label if label in node.branches else "no_answer")

    def _queue(self, node, low, group) -> list[Extension]:
        queue = self.queue_definition(node, low, group)
        low.queues.append(queue)
        name, result = low.dest(node.id), low.dest(node.id, "RESULT")
        heard = announcing.Announcing.of_queue(node.fields["queue"])
        actions = [*self._prelude(node, low, group), Action("answer"),
                   Action("set", f"centralka_queue={queue['name']}"),
                   *(Action("set", variable) for variable in heard.variables()),
                   *transferring.bind_actions(low.snap), Action("set", f"cc_export_vars={CC_EXPORT_VARS}"),
                   # mod_callcenter's uuid_bridge hangs the caller up afterwards only when this is true.
                   *([Action("set", "hangup_after_bridge=false")] if node.fields["survey"] is not None else []),
                   Action("callcenter", queue["name"]), low.transfer(result)]
        return [
            ir.simple(name, actions),
            Extension(f"{result}_ANSWERED", [ir.destination_is(result), Condition(
                "${cc_cause}", "^answered$", actions=self._after_answer(node, low))]),
            ir.simple(result, [low.outcome("no_answer"), *self._branch(node, low, "no_answer")],
                      ext_name=f"{result}_TIMEOUT"),
        ]

    def queue_definition(self, node, low, group) -> dict:
        snap, ring = low.snap, node.fields["ring_seconds"]
        if group is not None:
            members, mode = dialing.group_members(group, snap), group.ring_mode
        else:
            members, mode = [(snap.users[node.fields["target"]["user"]], ring)], "simultaneous"
        wait = (node.fields["queue"] or {}).get("max_wait_seconds", ring)
        return dialing.queue_definition(snap, f"t{snap.tenant_id}_s{low.scenario_id}_{node.id}", mode, members, wait)

    def wording(self, stop, node, events, book):
        target = node.get("target") or {}
        group = book.owned("group", target.get("group"))
        mode = group.ring_mode.value if group is not None else None
        legs = book.legs(events)
        queue = next((s.details for s in events if s.kind == "queue_exit"), None)
        text = stop["label"] + (f" {mode}" if mode else "")
        if queue is not None:
            text += f" queue, {queue.get('reason', queue['cause']).lower().replace('_', ' ')}"
        text += f": {book.legs_text(legs)}" if legs else ": nobody to ring" if stop["outcome"] == "unavailable" else ""
        if stop["outcome"] in ("busy", "unavailable") and legs:
            text += f" ({stop['outcome']})"
        survey = surveying.answers_heard(events)
        if survey:
            text += "; survey: " + ", ".join(f"{a['question']}→{a['answer'] or '-'}" for a in survey)
        return {"text": text, "ring_mode": mode, "legs": legs, "queue": queue, "survey": survey}

    def story(self, stop, node, events, book, language):
        legs = book.legs(events)
        queued = any(s.kind == "queue_exit" for s in events)
        lines = [(stop["at"], told(STORY, language, "queue" if queued else "forward", name=stop["label"]))]
        if not legs and stop["outcome"] == "unavailable":
            lines.append((stop["at"], told(STORY, language, "nobody")))
        return lines + book.legs_story(legs, language) + surveying.survey_story(events, language)


STORY = {"pl": {"forward": "Przekierowanie „{name}”", "queue": "Kolejka „{name}”", "nobody": "Nie ma do kogo dzwonić"},
         "en": {"forward": "Forward “{name}”", "queue": "Queue “{name}”", "nobody": "Nobody to ring"}}
