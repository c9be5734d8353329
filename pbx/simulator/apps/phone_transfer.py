"""Transfers the answering user makes from the phone during a bridge: feature codes and REFER.

`bind_meta_app` keeps the caller's bindings (switch_ivr_async.c `switch_ivr_bind_dtmf_meta_session`:
`*` unless `bind_meta_key` names another key). When the world's `phone_transfers` has the user
press a bound code, the bound `execute_extension::<ext> XML <context>` runs on the user's leg as
FreeSWITCH runs it there: a hunt with the leg's own variables, `read` taking the keys typed after
the code. Its `transfer -bleg` moves the caller, who hunts the target like any transfer. A SIP
phone's transfer key (`refer:102`) moves the caller straight away (sofia.c
`sofia_handle_sip_i_refer`: `sip_refer_to` on the caller, `transfer_destination` on the user's leg).
Announced transfers (`att_xfer`) are not modelled: the test call names them unsupported.
The record code runs the same way (`record_toggle`, pbx.compiler.ondemand): what it did on the
user's leg (start, stop, refused) is a `phone_record` step, and the leg keeps the file it records.
"""
from __future__ import annotations

from pbx.simulator.apps.channel import Call, Transfer, UnsupportedApplication
from pbx.simulator.apps.registry import application

KEY_GAP = 0.3  # seconds between two keys the user presses


@application("bind_meta_app")
def app_bind_meta_app(call: Call, data: str) -> None:
    """<key> [a|b|ab] [a|b|o|s|i|1] <app> (mod_dptools.c dtmf_bind_function)."""
    parts = data.split(" ", 3)
    if len(parts) != 4 or parts[1] != "b" or parts[2] != "s":
        raise UnsupportedApplication(f"bind_meta_app {data!r} not modelled")
    meta = (call.variables.get("bind_meta_key") or "*")[:1]
    call.meta_bindings[meta + parts[0]] = parts[3]


@application("unbind_meta_app")
def app_unbind_meta_app(call: Call, data: str) -> None:
    if data:
        raise UnsupportedApplication(f"unbind_meta_app {data!r} not modelled")
    call.meta_bindings.clear()


def during_bridge(call: Call, leg: dict, until: float) -> None:
    """The first transfer the script has the user make before the bridge ends, if any (raises Transfer)."""
    for at, action in sorted(call.world.phone_transfers):
        if call.now <= at < until:
            call.advance(at)
            if action.startswith("refer:"):
                _refer(call, leg, action[len("refer:"):])
            _keys(call, leg, action)


def _refer(call: Call, leg: dict, target: str) -> None:
    leg["variables"].update(transfer_destination=f"blind:{target}", transfer_disposition="recv_replace")
    call.set_var("sip_refer_to", f"<sip:{target}@{call.profile['context']}>")
    call.step("phone_transfer", how="refer", target=target, uuid=leg["uuid"],
              user=leg["variables"].get("centralka_user", ""))
    raise Transfer(target, "XML", call.profile["context"])


def _keys(call: Call, leg: dict, keys: str) -> None:
    bound = call.meta_bindings.get(keys[:2])
    if bound is None or not bound.startswith("execute_extension::"):
        call.step("phone_keys", keys=keys, uuid=leg["uuid"], result="not bound")
        return
    extension, _, context = bound[len("execute_extension::"):].partition(" XML ")
    typed = [(call.now + KEY_GAP * (i + 1), key) for i, key in enumerate(keys[2:] + "#")] if keys[2:] else []
    try:
        ran = on_leg(call, leg, typed, lambda: call.run_extension(extension, context))
    except Transfer as moved:
        if not moved.bleg:
            raise UnsupportedApplication("a feature code transferring the user's own leg is not modelled") from moved
        call.step("phone_transfer", how="keys", keys=keys, target=moved.destination, uuid=leg["uuid"],
                  user=leg["variables"].get("centralka_user", ""))
        raise Transfer(moved.destination, moved.dialplan_name, moved.context) from None
    recording = _recording_told(ran)
    if recording:
        call.step("phone_record", action=recording, keys=keys, uuid=leg["uuid"],
                  user=leg["variables"].get("centralka_user", ""))
        return
    call.step("phone_keys", keys=keys, uuid=leg["uuid"], result="nothing matched")


def _recording_told(ran: list[dict]) -> str | None:
    """What the record code did on the user's leg (pbx.compiler.ondemand): start, stop or refused."""
    done = [a["application"] for a in ran]
    if "record_session" in done:
        return "start"
    if "stop_record_session" in done:
        return "stop"
    return "refused" if any(a["data"].endswith("/recording_refused.wav") for a in ran) else None


def on_leg(call: Call, leg: dict, typed: list, run) -> list[dict]:
    """Run ``run`` as the user's leg: its variables, its keypad; the caller's own restored after.

    The leg keeps what it set (a recording in progress is still its own at the next press); returns
    the applications that ran on it."""
    saved = call.variables, call.profile, call._digits, call.applications
    call.variables = {**leg["variables"], "uuid": leg["uuid"], "bridge_uuid": saved[0].get("uuid", "")}
    call.profile = {**saved[1], "uuid": leg["uuid"], "destination_number": leg["target"]}
    call._digits, call.applications, call.on_leg = typed, [], leg["uuid"]
    try:
        run()
        return call.applications
    finally:
        leg["variables"].update({k: v for k, v in call.variables.items() if k.startswith("centralka_")})
        for name in [k for k in leg["variables"] if k.startswith("centralka_") and k not in call.variables]:
            del leg["variables"][name]  # unset on the leg
        call.variables, call.profile, call._digits, call.applications = saved
        call.on_leg = None
