"""Transfers users make themselves on a bridged call: the keys bound on the caller's channel.

`bind_meta_app <key> b s <app>` (mod_dptools.c `dtmf_bind_function`, BIND_SYNTAX
"<key> [a|b|ab] [a|b|o|s|i|1] <app>"): `b` listens to the keys of the far end only, so the caller's
own keys do nothing; `s` runs the application on that same leg, the user's. The meta key is `*`
unless the channel variable `bind_meta_key` names another (switch_ivr_async.c
`switch_ivr_bind_dtmf_meta_session`), so a code is that key and one digit, both codes one key.
The application runs as `app::arg` (switch_ivr_async.c `switch_ivr_broadcast`): the user's leg
hunts our `xfer_blind` / `xfer_attended` extension (pbx.compiler.transfers) in the company's context.
The record code (pbx.dialplan.recording) is bound the same way, to `record_toggle`.
"""
from __future__ import annotations

from pbx.dialplan import recording
from pbx.dialplan.ir import Action

BLIND, ATTENDED = "xfer_blind", "xfer_attended"


def codes(snap) -> list[tuple[str, str]]:
    """(code, extension) of each feature code the company has switched on: the transfers, then recording.

    One meta key per call, one application per digit: a record code on another key or digit (set
    before the company changed its transfer codes; the settings refuse both) is left unbound.
    """
    pairs = ((snap.transfer_blind_code, BLIND), (snap.transfer_attended_code, ATTENDED),
             (recording.code(snap), recording.TOGGLE))
    found: list[tuple[str, str]] = []
    for code, extension in pairs:
        if code and (not found or (code[0] == found[0][0][0] and code[1] not in {c[1] for c, _ in found})):
            found.append((code, extension))
    return found


def bind_actions(snap) -> list[Action]:
    """Before a bridge or queue that connects the caller to one of the company's users.

    Codes are validated as `[*#][0-9]` (schemas.company), so nothing typed reaches the data.
    """
    bound = codes(snap)
    if not bound:
        return []
    meta = bound[0][0][0]
    actions = [Action("set", f"bind_meta_key={meta}")] if meta != "*" else []
    return actions + [Action("bind_meta_app", f"{code[1]} b s execute_extension::{extension} XML {snap.context}")
                      for code, extension in bound]
