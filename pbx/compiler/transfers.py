"""Transfers users make themselves: the feature codes' extensions, and where a transferred caller goes.

A user on a bridged call presses the blind code (`*1`) or the announced one (`*2`), hears a dial
tone and types an extension or a number; `bind_meta_app` (pbx.dialplan.transferring) runs
`xfer_blind` / `xfer_attended` on the user's own leg. A SIP phone's transfer key sends REFER
instead, and mod_sofia re-hunts the caller in its context with the number the phone sent
(sofia.c `sofia_handle_sip_i_refer`): that is extension dialling, or `transfer_out_*` below.

Only a leg we rang for a user (`centralka_user`, set per leg in every dial string to a user)
may run these: an outside party, or a phone dialling `xfer_blind` itself, finds nothing.
Targets are typed on a keypad and matched by digit-only regexes before any action uses them.
"""
from __future__ import annotations

from pbx.compiler.internal import OUTBOUND_FORMS, RING_SECONDS, ring_dial, with_extensions
from pbx.dialplan import ir, transferring
from pbx.dialplan.ir import Action, Condition, Extension

TYPED = "centralka_xfer_to"  # what the user typed after the code
DONE = "centralka_transfer"  # `blind:<target>` / `attended:<target>` on the user's leg, for the call record
# mod_dptools.c read_function: <min> <max> <file> <variable> <timeout ms> <terminators>; a 425 Hz dial tone.
READ = f"2 16 tone_stream://%(10000,0,425) {TYPED} 6000 #"


def _ours(actions: list[Action] | None = None) -> Condition:
    """Only a leg we rang for a user: every dial string to a user sets `centralka_user` on its leg."""
    return Condition("${centralka_user}", "^[0-9]+$", actions=list(actions or []))


def _entry(name: str, snap) -> Extension:
    """Dial tone, the digits, then `<name>_GO` picks what they name (nothing: back to the call)."""
    return Extension(name, [ir.destination_is(name), _ours([
        Action("unset", TYPED), Action("read", READ), Action("execute_extension", f"{name}_GO XML {snap.context}")])])


def _go(name: str, label: str, typed: str, actions: list[Action]) -> Extension:
    return Extension(f"{name}_{label}", [ir.destination_is(f"{name}_GO"), _ours(),
                                         Condition(f"${{{TYPED}}}", typed, actions=actions)])


def _blind(snap) -> list[Extension]:
    """`transfer -bleg <target> XML <context>` moves the caller (mod_dptools.c transfer_function):
    it hunts the company's context as if it had dialled the target."""
    def go(target: str) -> list[Action]:
        return [Action("set", f"{DONE}=blind:{target}"), Action("transfer", f"-bleg {target} XML {snap.context}")]

    known = "|".join(item.extension for item in with_extensions(snap))
    extensions = [_go(transferring.BLIND, "EXT", f"^({known})$", go("$1"))] if known else []
    return extensions + [_go(transferring.BLIND, form, f"^({regex})$", go("$1")) for form, regex, _ in OUTBOUND_FORMS]


def _attended(snap) -> list[Extension]:
    """`att_xfer <dial string>` (mod_dptools.c att_xfer_function): the user talks to the target first,
    hangs up to join them, `#` goes back to the caller. The legs it rings name the caller's call
    (`centralka_call`, the user's partner `bridge_uuid`), so the call stays one record."""
    def go(target: str, dial: str) -> list[Action]:
        tagged = "{centralka_call=${bridge_uuid}," + dial[1:]
        return [Action("set", f"{DONE}=attended:{target}"), Action("att_xfer", tagged)]

    extensions = []
    for item in with_extensions(snap):
        dial = ring_dial(item, snap)
        if dial:
            extensions.append(_go(transferring.ATTENDED, item.extension, f"^{item.extension}$", go(item.extension, dial)))
    for form, regex, dialled in OUTBOUND_FORMS:
        # The whole typed number is $1, so the form's own group moves to $2.
        outside = f"{{originate_timeout={RING_SECONDS}}}sofia/gateway/{snap.carrier_gateway}/{dialled.replace('$1', '$2')}"
        extensions.append(_go(transferring.ATTENDED, form, f"^({regex})$", go("$1", outside)))
    return extensions


def transferred_out(snap) -> list[Extension]:
    """A caller from outside transferred to an outside number (REFER, or the blind code).

    Only a caller's own leg: never a leg we rang (`centralka_user`), never a phone's (`user_name`,
    which has its own outbound rules). The keys bound for the user are unbound: the outside party
    must not transfer our caller. The caller's number is presented, as a forward to a number does.
    """
    extensions = []
    for form, regex, dialled in OUTBOUND_FORMS:
        extensions.append(Extension(f"transfer_out_{form}", [
            Condition("${centralka_direction}", "^in$"), Condition("${centralka_user}", "^$"),
            Condition("${user_name}", "^$"), Condition("destination_number", f"^{regex}$", actions=[
                Action("unbind_meta_app"), Action("set", "hangup_after_bridge=true"),
                Action("bridge", f"{{originate_timeout=60}}sofia/gateway/{snap.carrier_gateway}/{dialled}"),
                Action("hangup", "${originate_disposition}")])]))
    return extensions


def transfer_extensions(snap) -> list[Extension]:
    """Everything above; the feature codes' extensions only when the company has them on."""
    on = {extension for _, extension in transferring.codes(snap)}
    features = []
    if transferring.BLIND in on:
        features += [_entry(transferring.BLIND, snap), *_blind(snap)]
    if transferring.ATTENDED in on:
        features += [_entry(transferring.ATTENDED, snap), *_attended(snap)]
    return features + transferred_out(snap)
