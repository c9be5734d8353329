"""The tenant's extensions computed from the current directory, not from a scenario.

Extension dialling of users and groups (also reached when a user transfers a bridged call:
FreeSWITCH re-hunts the transferred leg in its current context, tenant_<id>), direct-dial
targets of menus, main numbers that ring a user or a group without a scenario, emergency
numbers, and outbound calls of registered phones through the carrier with the *666
main-number prefix.
"""
from __future__ import annotations

import itertools

from pbx.compiler.lower import MAX_CALL_SECONDS, prompt_path, timezone_action
from pbx.dialplan import dialing, ir, recording, transferring
from pbx.dialplan.ir import Action, Condition, Extension, Regex
from pbx.dialplan.snapshot import Fallback
from pbx.nodes.base import common_prompt
from pbx.nodes.forward import CC_EXPORT_VARS
from pbx.nodes.voicemail import record_actions
from pbx.switch_text import switch_safe

RING_SECONDS = 30
MAIN_PREFIX = "*666"
EMERGENCY_NUMBERS = ("112", "997", "998", "999")
PRESENTED = "centralka_presented"  # caller ID number of a desk phone's legs through the carrier
FAILED = "ring_FAILED"  # where a ring by extension or main number goes when nobody answered
# Users dial international numbers with + or 00, Polish ones as 9 national digits.
OUTBOUND_FORMS = (("INTL", r"(?:\+|00)([1-9][0-9]{6,14})", "$1"), ("NATIONAL", r"([1-9][0-9]{8})", "48$1"))


def _queued(item, snap) -> bool:
    """A longest-idle group is rung through its own queue: only mod_callcenter knows who idles longest."""
    return getattr(item, "ring_mode", None) == "longest-idle" and bool(dialing.member_legs(item, snap))


def _queue_base(snap, group) -> str:
    return f"t{snap.tenant_id}_g{group.id}"


def ring_dial(item, snap, present: str | None = None) -> str | None:
    """Dial string for a user or a group reached by extension."""
    if hasattr(item, "members"):
        legs = dialing.member_legs(item, snap, present=present)
        if not legs:
            return None
        if item.ring_mode in ("sequential", "random"):
            return dialing.sequential(legs, max(m.ring_seconds for m in item.members))
        return dialing.simultaneous(dialing.member_legs(item, snap, RING_SECONDS, present), RING_SECONDS)
    return dialing.ring_user(item, snap, RING_SECONDS, present)


def _records(item, snap) -> bool:
    if item.record_calls:
        return True
    return any(snap.users[m.user_id].record_calls for m in getattr(item, "members", ()) if m.user_id in snap.users)


def _ring_actions(item, snap, *, back_to_menu: bool, record: bool = True, present: str | None = None,
                  fallback: str | None = None) -> list[Action]:
    """Ring a user or a group; when nobody answers, to the fallback, else back to the menu of a direct
    dial or hang up.

    ``present``: the caller ID number of legs through the carrier (mod_callcenter shows every agent
    leg the caller's effective_caller_id_number, so a queue shows it on desk phones too).
    """
    after_failure = ([Action("transfer", f"{fallback} XML {snap.context}")] if fallback
                     else [Action("transfer", f"${{centralka_dial_return}} XML {snap.context}")] if back_to_menu
                     else [Action("transfer", f"{FAILED} XML {snap.context}")])
    queued, dial = _queued(item, snap), ring_dial(item, snap, present)
    if not queued and dial is None:
        return after_failure
    actions = [Action("export", f"centralka_group={item.id}")] if hasattr(item, "members") else []
    if record and _records(item, snap):
        actions += _recording(snap)
    if queued:
        # group_<id>_RESULT goes back to the menu only while centralka_dial_return is set.
        queue = f"{_queue_base(snap, item)}@default"
        presenting = [Action("set", f"effective_caller_id_number={present}")] if present else []
        actions.append(Action("set", f"centralka_fallback={fallback}") if fallback else Action("unset", "centralka_fallback"))
        return actions + ([] if back_to_menu else [Action("unset", "centralka_dial_return")]) + presenting + [
            Action("answer"), Action("set", f"centralka_queue={queue}"), *transferring.bind_actions(snap),
            Action("set", f"cc_export_vars={CC_EXPORT_VARS}"),
            Action("callcenter", queue), Action("transfer", f"group_{item.id}_RESULT XML {snap.context}")]
    return actions + [Action("set", f"ringback={dialing.RINGBACK}"), Action("set", "continue_on_fail=true"),
                      Action("set", "hangup_after_bridge=true"), *transferring.bind_actions(snap),
                      Action("bridge", dial), *after_failure]


def _recording(snap) -> list[Action]:
    return [Action("answer"), Action("playback", recording.notice(snap)),
            Action("record_session", f"${{recordings_dir}}/{snap.tenant_id}/${{uuid}}.wav")]


def failed_ring() -> list[Extension]:
    """Nobody answered: NO_ANSWER also when every leg hit its leg_timeout (ALLOTTED_TIMEOUT reads
    as the 60-minute cap in call records); any other cause (USER_BUSY ...) is passed on."""
    no_answer = "^(?:ALLOTTED_TIMEOUT|NO_ANSWER|NO_USER_RESPONSE)$"
    return [Extension(f"{FAILED}_NO_ANSWER", [ir.destination_is(FAILED), Condition(
                "${originate_disposition}", no_answer, actions=[Action("hangup", "NO_ANSWER")])]),
            ir.simple(FAILED, [Action("hangup", "${originate_disposition}")], ext_name=f"{FAILED}_OTHER")]


def group_queues(snap) -> list[dict]:
    """The queue of every longest-idle group, for extension dialling, direct dial and main numbers."""
    return [dialing.queue_definition(snap, _queue_base(snap, g), g.ring_mode, dialing.group_members(g, snap), RING_SECONDS)
            for g in sorted(snap.groups.values(), key=lambda g: g.id) if _queued(g, snap)]


def group_queue_results(snap) -> list[Extension]:
    """After a group's queue: answered → done; timed out → the fallback, else back to the menu of a direct
    dial, else hang up."""
    extensions = []
    for group in sorted(snap.groups.values(), key=lambda g: g.id):
        if not _queued(group, snap):
            continue
        name = f"group_{group.id}_RESULT"
        extensions += [
            Extension(f"{name}_ANSWERED", [ir.destination_is(name), Condition(
                "${cc_cause}", "^answered$", actions=[Action("hangup", "NORMAL_CLEARING")])]),
            Extension(f"{name}_FALLBACK", [ir.destination_is(name), Condition("${centralka_fallback}", "^.", actions=[
                Action("transfer", f"${{centralka_fallback}} XML {snap.context}")])]),
            Extension(f"{name}_BACK", [ir.destination_is(name), Condition("${centralka_dial_return}", "^.", actions=[
                Action("transfer", f"${{centralka_dial_return}} XML {snap.context}")])]),
            ir.simple(name, [Action("hangup", "NO_ANSWER")], ext_name=f"{name}_TIMEOUT")]
    return extensions


def emergency(snap) -> list[Extension]:
    """112, 997, 998, 999: to the carrier as dialled, presenting the caller's own number.

    First in the context, so no extension, prefix or outbound rule can take the number;
    no 60-minute cap. A phone whose user has no number presents the company's main number.
    """
    expression = "^(" + "|".join(EMERGENCY_NUMBERS) + ")$"
    main = snap.primary_number

    def call_out(presented: str | None) -> list[Action]:
        actions = [Action("export", f"centralka_tenant={snap.tenant_id}"), Action("export", "centralka_direction=out"),
                   Action("set", "hangup_after_bridge=true")]
        if presented:
            actions.append(Action("set", f"effective_caller_id_number={presented}"))
        return actions + [Action("bridge", f"{{originate_timeout=60}}sofia/gateway/{snap.carrier_gateway}/$1"),
                          Action("hangup", "${originate_disposition}")]

    fallback = dialing.digits(main.number) if main else None
    extensions = [
        Extension(f"emergency_{user.id}", [Condition("${user_name}", f"^{user.extension}$"), Condition(
            "destination_number", expression,
            actions=call_out(dialing.digits(user.phone) if user.phone else fallback))])
        for user in sorted(snap.users.values(), key=lambda u: u.id) if user.extension]
    return extensions + [Extension("emergency", [Condition("destination_number", expression,
                                                           actions=call_out(fallback))])]


def _call_start(snap, direction: str) -> list[Action]:
    return [Action("export", f"centralka_tenant={snap.tenant_id}"), Action("export", f"centralka_direction={direction}"),
            Action("sched_hangup", f"+{MAX_CALL_SECONDS} ALLOTTED_TIMEOUT")]


def caller_presentation(snap) -> list[Extension]:
    """A desk phone dialling an extension: the number its legs through the carrier present.

    Set inline, at hunt time, so `ext_<ext>` can pick its dial string; a carrier rejects or
    rewrites an extension as caller ID, and a mobile could not call it back.
    """
    extensions = []
    for user in sorted(snap.users.values(), key=lambda u: u.id):
        number = _internal_number(user, snap)
        if user.extension and number:
            extensions.append(Extension(f"present_{user.id}", [
                Condition("destination_number", "^[0-9]{2,6}$"),
                Condition("${user_name}", f"^{user.extension}$",
                          actions=[Action("set", f"{PRESENTED}={number}", inline=True)])], continue_=True))
    return extensions


def _internal_number(user, snap) -> str | None:
    """Own number, or the main number when always presented; a desk phone alone shows the main number, as for 112."""
    own, main = _numbers(user, snap)
    if user.always_present_main_number and main:
        return main
    primary = snap.primary_number
    return own or (dialing.digits(primary.number) if primary else None)


def _numbers(user, snap) -> tuple[str | None, str | None]:
    """The user's own number and the main number they may present, as the carrier gateway is dialled with."""
    main = snap.primary_number
    return (dialing.digits(user.phone) if user.phone else None,
            dialing.digits(main.number) if main and user.may_present_main_number else None)


def extension_dialling(snap) -> list[Extension]:
    """`101`: ring a colleague. A call already tagged (a transferred inbound call) keeps its tags.

    Calls between users are never recorded; a caller from outside transferred to someone who
    records is (the direction is read at hunt time, before the untagged call is tagged). A desk
    phone's call presents `centralka_presented` on legs through the carrier; any other keeps its caller ID.
    """
    extensions = []
    for item in with_extensions(snap):
        untagged = Condition("${centralka_direction}", "^.", break_="never", anti_actions=_call_start(snap, "internal"))
        conditions = [ir.destination_is(item.extension), untagged]
        if _records(item, snap):
            conditions.append(Condition("${centralka_direction}", "^in$", break_="never", actions=_recording(snap)))
        fallback = snap.fallback_extension(group_id=item.id if hasattr(item, "members") else None)
        ring = _ring_actions(item, snap, back_to_menu=False, record=False, fallback=fallback)
        presenting = _ring_actions(item, snap, back_to_menu=False, record=False, present=f"${{{PRESENTED}}}",
                                   fallback=fallback)
        conditions += _either(Condition(f"${{{PRESENTED}}}", "^."), presenting, ring)
        extensions.append(Extension(f"ext_{item.extension}", conditions))
    return extensions


def _either(test: Condition, actions: list[Action], otherwise: list[Action]) -> list[Condition]:
    """`actions` when `test` matches, else `otherwise`; what both begin and end with is written once.

    The last condition has no field, so the extension always matches (and ends the hunt).
    """
    if actions == otherwise:
        return [Condition(actions=actions)]
    head = _common(actions, otherwise)
    tail = _common(actions[head:][::-1], otherwise[head:][::-1])
    test.actions, test.anti_actions = actions[head:len(actions) - tail], otherwise[head:len(otherwise) - tail]
    test.break_ = "never"
    middle = [test] if test.actions or test.anti_actions else []
    return ([Condition(actions=actions[:head])] if head else []) + middle + [
        Condition(actions=actions[len(actions) - tail:])]


def _common(first: list, second: list) -> int:
    return sum(1 for _ in itertools.takewhile(lambda pair: pair[0] == pair[1], zip(first, second)))


def direct_dial(snap) -> list[Extension]:
    """`direct_<ext>` from a menu; when nobody answers, to the group's own fallback, else (and for an
    unknown extension) back to the menu."""
    back = [Action("transfer", f"${{centralka_dial_return}} XML {snap.context}")]
    extensions = [ir.simple(f"direct_{item.extension}", _ring_actions(
                      item, snap, back_to_menu=True, fallback=_own_fallback(item)))
                  for item in with_extensions(snap)]
    extensions.append(Extension("direct_UNKNOWN", [Condition("destination_number", "^direct_[0-9]+$", actions=back)]))
    return extensions


def before(end) -> list[Regex]:
    """Time windows (local wall time, as `timezone` gives it) that together are "earlier than ``end``"."""
    year, month = {"year": str(end.year)}, {"year": str(end.year), "mon": str(end.month)}
    last = end.hour * 3600 + end.minute * 60 + end.second - 1  # time-of-day includes its end
    windows = [({"year": f"1970-{end.year - 1}"}, True),
               ({**year, "mon": f"1-{end.month - 1}"}, end.month > 1),
               ({**month, "mday": f"1-{end.day - 1}"}, end.day > 1),
               ({**month, "mday": str(end.day),
                 "time-of-day": f"00:00:00-{last // 3600:02d}:{last % 3600 // 60:02d}:{last % 60:02d}"}, last >= 0)]
    return [Regex(time=attrs) for attrs, used in windows if used]


def override(snap, number_id: int, start: list[Action], closed: list[Action]) -> list[Extension]:
    """`main_<id>` while the number's override lasts, ahead of its usual entry.

    Decided by time at hunt time, in the company's zone: it ends by itself, no job has to run.
    ``closed`` is where "closed" goes (the schedule's closed branch).
    """
    found = snap.overrides.get(number_id)
    if found is None:
        return []
    name = f"main_{number_id}"
    actions = [*start, Action("set", f"centralka_path=${{centralka_path}};override:{found.mode}"),
               *_override_target(found, snap, closed)]
    return [Extension(f"{name}_OVERRIDE_TZ", [ir.destination_is(name, [timezone_action(snap)])], continue_=True),
            Extension(f"{name}_OVERRIDE", [ir.destination_is(name),
                                           Condition(any_of=ir.any_time(before(found.ends)), actions=actions)])]


def _override_target(found, snap, closed: list[Action]) -> list[Action]:
    target = {"user": snap.users, "group": snap.groups}.get(found.mode, {}).get(found.target_id)
    if target is not None:
        fallback = snap.fallback_extension(main_number_id=found.main_number_id, group_id=found.target_id
                                           if found.mode == "group" else None)
        return _ring_actions(target, snap, back_to_menu=False, fallback=fallback)
    if found.mode == "number":
        return _fallback_actions(Fallback(number=found.number), snap)
    if found.mode == "announcement" and found.target_id in snap.announcements:
        return [Action("answer"), Action("playback", prompt_path(snap.tenant_id, found.target_id)),
                Action("hangup", "NORMAL_CLEARING")]
    return closed or [Action("hangup", "NORMAL_CLEARING")]


def _number_start(snap, number) -> list[Action]:
    return [*_call_start(snap, "in"), Action("export", f"centralka_main_number={number.number}")]


def main_numbers(snap, with_scenario: set[int]) -> list[Extension]:
    """`main_<id>` of main numbers that ring a user or a group directly (or nobody)."""
    extensions = []
    for number in sorted(snap.main_numbers.values(), key=lambda n: n.id):
        if number.id in with_scenario:
            continue
        target = snap.users.get(number.target_user_id) or snap.groups.get(number.target_group_id)
        actions = _number_start(snap, number)
        extensions += override(snap, number.id, actions, [])
        fallback = snap.fallback_extension(main_number_id=number.id, group_id=number.target_group_id)
        if target is not None:
            actions += _ring_actions(target, snap, back_to_menu=False, fallback=fallback)
        elif fallback:
            actions.append(Action("transfer", f"{fallback} XML {snap.context}"))
        else:
            actions.append(Action("hangup", "NO_ROUTE_DESTINATION"))
        extensions.append(ir.simple(f"main_{number.id}", actions))
    return extensions


def _own_fallback(item) -> str | None:
    return f"fallback_group_{item.id}" if getattr(item, "fallback", None) else None


def fallbacks(snap) -> list[Extension]:
    """`fallback_main_<id>`, `fallback_group_<id>`, `fallback_company`: each fallback set, emitted once
    for every forward, extension and main number that goes there."""
    owners = ([(f"fallback_main_{n.id}", n.fallback) for n in sorted(snap.main_numbers.values(), key=lambda n: n.id)]
              + [(f"fallback_group_{g.id}", g.fallback) for g in sorted(snap.groups.values(), key=lambda g: g.id)]
              + [("fallback_company", snap.fallback)])
    return [ir.simple(name, [Action("set", f"centralka_path=${{centralka_path}};{name}"), *_fallback_actions(f, snap)])
            for name, f in owners if f]


def _fallback_actions(fallback, snap) -> list[Action]:
    """The box's voicemail, else the outside number rung through the carrier."""
    box = snap.boxes.get(fallback.box_id)
    if box is not None:
        return _box_actions(box, snap)
    if not fallback.number:
        return [Action("hangup", "NO_ANSWER")]
    leg = f"[leg_timeout={RING_SECONDS}]sofia/gateway/{snap.carrier_gateway}/{dialing.digits(fallback.number)}"
    return [Action("set", f"ringback={dialing.RINGBACK}"), Action("set", "continue_on_fail=true"),
            Action("set", "hangup_after_bridge=true"), Action("bridge", dialing.single(leg, RING_SECONDS)),
            Action("transfer", f"{FAILED} XML {snap.context}")]


def _box_actions(box, snap) -> list[Action]:
    greeting = prompt_path(snap.tenant_id, box.greeting_id) if box.greeting_id is not None else None
    return record_actions(box, snap, greeting)


def voicemail_boxes(snap) -> list[Extension]:
    """`voicemail_<box id>`: the caller leaves a message in that box; where the reception page sends a call."""
    return [ir.simple(f"voicemail_{box.id}", [Action("set", f"centralka_path=${{centralka_path}};voicemail_{box.id}"),
                                             *_box_actions(box, snap)])
            for box in sorted(snap.boxes.values(), key=lambda b: b.id)]


def outbound(snap) -> list[Extension]:
    """Calls out through the carrier, per user: the authenticated SIP user (`user_name`) is the extension."""
    extensions = []
    for user in sorted(snap.users.values(), key=lambda u: u.id):
        if not user.extension:
            continue
        own, main_digits = _numbers(user, snap)
        if user.always_present_main_number and main_digits:
            variants = [("MAIN", f"(?:{_star()})?", main_digits)]
        else:
            variants = [("MAIN", _star(), main_digits), ("OWN", "", own)]
        if main_digits is None:
            extensions.append(_main_refused(snap, user))
        for label, prefix, presented in variants:
            if presented is None:
                continue
            for form, regex, dialled in OUTBOUND_FORMS:
                extensions.append(_outbound(snap, user, f"out_{user.id}_{label}_{form}", f"^{prefix}{regex}$",
                                            presented, dialled))
    return extensions


def _main_refused(snap, user) -> Extension:
    """`*666…` without the right (or without a main number): say so and end the call, never go out
    with another number. OUTGOING_CALL_BARRED reaches the phone as 403 Forbidden."""
    return Extension(f"out_{user.id}_MAIN_REFUSED", [Condition("${user_name}", f"^{user.extension}$"), Condition(
        "destination_number", f"^{_star()}", actions=[
            Action("export", f"centralka_tenant={snap.tenant_id}"), Action("export", "centralka_direction=out"),
            Action("pre_answer"), Action("playback", common_prompt(snap.language, "main_number_refused")),
            Action("hangup", "OUTGOING_CALL_BARRED")])])


def _star() -> str:
    return "\\" + MAIN_PREFIX


def _outbound(snap, user, name, expression, presented, dialled) -> Extension:
    actions = [*_call_start(snap, "out"), Action("set", "hangup_after_bridge=true"),
               Action("set", f"effective_caller_id_number={presented}")]
    if user.record_calls:
        # The called party hears the notice as they answer, the caller with them (switch_ivr_bridge.c).
        notice = recording.notice(snap)
        actions += [Action("record_session", f"${{recordings_dir}}/{snap.tenant_id}/${{uuid}}.wav"),
                    *(Action("set", f"bridge_pre_execute_{side}_{what}={value}")
                      for side in ("aleg", "bleg") for what, value in (("app", "playback"), ("data", notice)))]
    actions += [Action("bridge", f"{{originate_timeout=60}}sofia/gateway/{snap.carrier_gateway}/{dialled}"),
                Action("hangup", "${originate_disposition}")]
    return Extension(name, [Condition("${user_name}", f"^{user.extension}$"),
                            Condition("destination_number", expression, actions=actions)])


def with_extensions(snap) -> list:
    items = [u for u in snap.users.values() if u.extension] + [g for g in snap.groups.values() if g.extension]
    return sorted(items, key=lambda i: (len(i.extension), i.extension))


def caller_names(contacts, users=()) -> dict[str, str]:
    """Callers' names for phones, by caller number (``dialing.caller_key``): a user's own number names
    the user, as the reception board does; else the contact's (a number two contacts share names the
    first one).

    The endpoint sets the one matching a call's caller in the carrier's first hunt (xml_curl.hunts),
    so no reply grows with the address book. The variable stays on the channel: switch_ivr_originate.c
    takes a new leg's caller ID name from the calling channel's effective_caller_id_name, and
    mod_callcenter offers agents the member channel's, so SIP phones and queue agents show the name.
    Names are tenant text: pbx.switch_text neutralises them here.
    """
    callers = [(user.phone, user.name) for user in sorted(users, key=lambda u: u.id) if user.phone]
    callers += [(number, contact.name)
                for contact in sorted(contacts, key=lambda c: c.id) for number in contact.numbers]
    names: dict[str, str] = {}
    for number, name in callers:
        key = dialing.caller_key(number)
        if key and key not in names:
            names[key] = switch_safe(name)
    return names


def internal_extensions(snap, with_scenario: set[int]) -> list[Extension]:
    return (emergency(snap) + main_numbers(snap, with_scenario) + caller_presentation(snap)
            + extension_dialling(snap) + direct_dial(snap) + group_queue_results(snap) + failed_ring() + fallbacks(snap)
            + voicemail_boxes(snap) + outbound(snap))
