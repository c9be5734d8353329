"""The record code's extension: start or stop recording the bridged call, or refuse.

`record_toggle` runs on the leg of the user who pressed the code (pbx.dialplan.recording); the
user is told by `centralka_user`, set per leg in every dial string to a user, never by anything
typed. Users with the right start (`_START`) or stop (`_STOP`, while `centralka_recording` names a
file); any other user we rang hears that they may not (`_REFUSED`). Nothing matches an outside
party's leg.
"""
from __future__ import annotations

from pbx.dialplan import recording
from pbx.dialplan.ir import Action, Condition, Extension, destination_is
from pbx.nodes.base import common_prompt


def _file(snap) -> str:
    """A new file per start: `$1` is the user's id, captured by the right's condition."""
    return f"${{recordings_dir}}/{snap.tenant_id}/{recording.PREFIX}$1_${{uuid}}_${{{recording.STARTS}}}.wav"


def ondemand_extensions(snap) -> list[Extension]:
    """`record_toggle_STOP`, `_START`, `_REFUSED`; none while the code is off or nobody has the right."""
    if recording.code(snap) is None:
        return []
    name, file = recording.TOGGLE, recording.FILE
    allowed = "^(" + "|".join(str(user_id) for user_id in recording.recorders(snap)) + ")$"
    stop = [Action("stop_record_session", f"${{{file}}}"), Action("unset", file)]
    start = [Action("set", f"{recording.STARTS}=${{{recording.STARTS}}}1"), Action("set", f"{file}={_file(snap)}"),
             Action("record_session", f"${{{file}}}"), Action("displace_session", f"{recording.notice(snap)} rw")]
    refused = [Action("playback", common_prompt(snap.language, "recording_refused"))]
    return [
        Extension(f"{name}_STOP", [destination_is(name), Condition("${centralka_user}", allowed),
                                   Condition(f"${{{file}}}", "^.", actions=stop)]),
        Extension(f"{name}_START", [destination_is(name), Condition("${centralka_user}", allowed, actions=start)]),
        Extension(f"{name}_REFUSED", [destination_is(name), Condition("${centralka_user}", "^[0-9]+$",
                                                                      actions=refused)]),
    ]
