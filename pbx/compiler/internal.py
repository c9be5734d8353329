"""The tenant's extensions computed from the current directory, not from a scenario.

Extension dialling of users and groups (also reached when a user transfers a bridged call:
FreeSWITCH re-hunts the transferred leg in its current context, tenant_<id>), direct-dial
targets of menus, main numbers that ring a user or a group without a scenario, and outbound
calls of registered phones through the carrier with the *666 main-number prefix.
"""
from __future__ import annotations

from pbx.compiler import dialing, ir
from pbx.compiler.ir import Action, Condition, Extension
from pbx.compiler.lower import MAX_CALL_SECONDS
from pbx.nodes.forward import recording_notice

RING_SECONDS = 30
MAIN_PREFIX = "*666"
# Users dial international numbers with + or 00, Polish ones as 9 national digits.
OUTBOUND_FORMS = (("INTL", r"(?:\+|00)([1-9][0-9]{6,14})", "$1"), ("NATIONAL", r"([1-9][0-9]{8})", "48$1"))


def _ring(item, snap) -> str | None:
    """Dial string for a user or a group reached by extension (longest-idle rings everyone)."""
    if hasattr(item, "members"):
        legs = dialing.member_legs(item, snap)
        if not legs:
            return None
        if item.ring_mode in ("sequential", "random"):
            return dialing.sequential(legs, max(m.ring_seconds for m in item.members))
        return dialing.simultaneous(dialing.member_legs(item, snap, RING_SECONDS), RING_SECONDS)
    return dialing.ring_user(item, snap, RING_SECONDS)


def _records(item, snap) -> bool:
    if item.record_calls:
        return True
    return any(snap.users[m.user_id].record_calls for m in getattr(item, "members", ()) if m.user_id in snap.users)


def _ring_actions(item, snap, after_failure: list[Action]) -> list[Action]:
    dial = _ring(item, snap)
    if dial is None:
        return after_failure
    actions = [Action("export", f"centralka_group={item.id}")] if hasattr(item, "members") else []
    if _records(item, snap):
        actions += [Action("answer"), Action("playback", recording_notice(snap.language)),
                    Action("record_session", f"${{recordings_dir}}/{snap.tenant_id}/${{uuid}}.wav")]
    return actions + [Action("set", f"ringback={dialing.RINGBACK}"), Action("set", "continue_on_fail=true"),
                      Action("set", "hangup_after_bridge=true"), Action("bridge", dial), *after_failure]


def _call_start(snap, direction: str) -> list[Action]:
    return [Action("export", f"centralka_tenant={snap.tenant_id}"), Action("export", f"centralka_direction={direction}"),
            Action("sched_hangup", f"+{MAX_CALL_SECONDS} ALLOTTED_TIMEOUT")]


def extension_dialling(snap) -> list[Extension]:
    """`101`: ring a colleague. A call already tagged (a transferred inbound call) keeps its tags."""
    extensions = []
    for item in _with_extensions(snap):
        untagged = Condition("${centralka_direction}", "^.", break_="never", anti_actions=_call_start(snap, "internal"))
        ring = Condition(actions=_ring_actions(item, snap, [Action("hangup", "${originate_disposition}")]))
        extensions.append(Extension(f"ext_{item.extension}", [ir.destination_is(item.extension), untagged, ring]))
    return extensions


def direct_dial(snap) -> list[Extension]:
    """`direct_<ext>` from a menu; when nobody answers, or the extension is unknown, back to the menu."""
    back = [Action("transfer", f"${{centralka_dial_return}} XML {snap.context}")]
    extensions = [ir.simple(f"direct_{item.extension}", _ring_actions(item, snap, back))
                  for item in _with_extensions(snap)]
    extensions.append(Extension("direct_UNKNOWN", [Condition("destination_number", "^direct_[0-9]+$", actions=back)]))
    return extensions


def main_numbers(snap, with_scenario: set[int]) -> list[Extension]:
    """`main_<id>` of main numbers that ring a user or a group directly (or nobody)."""
    extensions = []
    for number in sorted(snap.main_numbers.values(), key=lambda n: n.id):
        if number.id in with_scenario:
            continue
        target = snap.users.get(number.target_user_id) or snap.groups.get(number.target_group_id)
        actions = [*_call_start(snap, "in"), Action("export", f"centralka_main_number={number.number}")]
        if target is None:
            actions.append(Action("hangup", "NO_ROUTE_DESTINATION"))
        else:
            actions += _ring_actions(target, snap, [Action("hangup", "${originate_disposition}")])
        extensions.append(ir.simple(f"main_{number.id}", actions))
    return extensions


def outbound(snap) -> list[Extension]:
    """Calls out through the carrier, per user: the authenticated SIP user (`user_name`) is the extension."""
    main = snap.primary_number
    extensions = []
    for user in sorted(snap.users.values(), key=lambda u: u.id):
        if not user.extension:
            continue
        own = dialing.digits(user.phone) if user.phone else None
        main_digits = dialing.digits(main.number) if main and user.may_present_main_number else None
        if user.always_present_main_number and main_digits:
            variants = [("MAIN", f"(?:{_star()})?", main_digits)]
        else:
            variants = [("MAIN", _star(), main_digits or own), ("OWN", "", own)]
        for label, prefix, presented in variants:
            if presented is None:
                continue
            for form, regex, dialled in OUTBOUND_FORMS:
                extensions.append(_outbound(snap, user, f"out_{user.id}_{label}_{form}", f"^{prefix}{regex}$",
                                            presented, dialled))
    return extensions


def _star() -> str:
    return "\\" + MAIN_PREFIX


def _outbound(snap, user, name, expression, presented, dialled) -> Extension:
    actions = [*_call_start(snap, "out"), Action("set", f"effective_caller_id_number={presented}")]
    if user.record_calls:
        actions.append(Action("record_session", f"${{recordings_dir}}/{snap.tenant_id}/${{uuid}}.wav"))
    actions += [Action("bridge", f"{{originate_timeout=60}}sofia/gateway/{snap.carrier_gateway}/{dialled}"),
                Action("hangup", "${originate_disposition}")]
    return Extension(name, [Condition("${user_name}", f"^{user.extension}$"),
                            Condition("destination_number", expression, actions=actions)])


def _with_extensions(snap) -> list:
    items = [u for u in snap.users.values() if u.extension] + [g for g in snap.groups.values() if g.extension]
    return sorted(items, key=lambda i: (len(i.extension), i.extension))


def internal_extensions(snap, with_scenario: set[int]) -> list[Extension]:
    return main_numbers(snap, with_scenario) + extension_dialling(snap) + direct_dial(snap) + outbound(snap)
