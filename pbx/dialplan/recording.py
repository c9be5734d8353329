"""Recording a call on demand: a user with the right presses the record code on a bridged call.

The code is bound with the transfer codes (pbx.dialplan.transferring: same meta key, `b s`), so
the keys of the user's phone run `execute_extension::record_toggle XML tenant_<id>` on the user's
own leg (pbx.compiler.ondemand). The first press starts `record_session` on that leg (both sides
of the bridge, mixed) and plays the notice to both parties with `displace_session <file> rw`:
`r` puts the file into what is read from the user's phone, the stream the caller hears; with `w`
the user hears it too (switch_ivr_async.c `switch_ivr_displace_session`, `read_displace_callback`).
The next press stops that file (`stop_record_session <path>`). While the extension runs, the caller
hears hold music (`hold-bleg` of the meta binding, switch_ivr.c `switch_ivr_parse_event`).

Each start records a file of its own, `<recordings dir>/<company>/od_<user>_<leg uuid>_<n>.wav`,
`<n>` growing by a digit per start: the listener reads who started it from the name
(pbx.recordings), and each becomes a recording of the same call.
"""
from __future__ import annotations

from pbx.dialplan.ir import prompt_path

TOGGLE = "record_toggle"
FILE = "centralka_recording"  # the file being recorded on the user's leg; empty when not recording
STARTS = "centralka_recordings"  # "1", "11", "111": one digit per start, so each file is new
PREFIX = "od_"


def notice(snap) -> str:
    """What the other side hears when a call starts being recorded: the company's own notice, else the shared one."""
    if snap.recording_notice_id in snap.announcements:
        return prompt_path(snap.tenant_id, snap.recording_notice_id)
    return f"${{sounds_dir}}/centralka/common/{snap.language}/call_recorded.wav"


def recorders(snap) -> list[int]:
    """The users who may start and stop recording a call."""
    return sorted(user.id for user in snap.users.values() if user.may_record_on_demand)


def code(snap) -> str | None:
    """The record code, when it is on and someone may use it."""
    return snap.record_code if snap.record_code and recorders(snap) else None
