"""mod_commands: the API commands sent to the switch over the event socket while the call runs."""

from __future__ import annotations

from pbx.simulator.apps.channel import Call, UnsupportedApplication


def api(call: Call, command: str) -> str:
    """Run one API command on the call's switch; its reply as the switch words it."""
    name, _, args = command.partition(" ")
    if name != "uuid_broadcast":
        raise UnsupportedApplication(f"API command {name!r} is not modelled")
    return uuid_broadcast(call, args)


def uuid_broadcast(call: Call, args: str) -> str:
    """`uuid_broadcast <uuid> <path> aleg`: switch_ivr_broadcast() queues `playback <path>` on the
    channel; it runs (expanded, reported as CHANNEL_EXECUTE) over whatever the channel does, and
    what the channel does next (a bridge, the end of a queue wait) cuts it short."""
    uuid, _, rest = args.partition(" ")
    path, _, legs = rest.rpartition(" ")
    if legs != "aleg" or not path:
        raise UnsupportedApplication(f"uuid_broadcast form not modelled: {args}")
    if uuid != call.variables.get("uuid"):
        return "-ERR No such channel!\n"
    call.step("api", command=f"uuid_broadcast {args}")
    call.executed("playback", call.expand(path))
    return "+OK Message sent\n"
