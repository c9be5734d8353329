"""mod_commands: the API commands sent to the switch over the event socket while the call runs."""

from __future__ import annotations

from pbx.simulator.apps.channel import Call, UnsupportedApplication


def api(call: Call, command: str, told: dict | None = None) -> str:
    """Run one API command on the call's switch; its reply as the switch words it. ``told``: what
    the sender means the caller to hear, kept with the step for the call's story."""
    name, _, args = command.partition(" ")
    if name != "uuid_broadcast":
        raise UnsupportedApplication(f"API command {name!r} is not modelled")
    return uuid_broadcast(call, args, told or {})


def uuid_broadcast(call: Call, args: str, told: dict) -> str:
    """`uuid_broadcast <uuid> <path> aleg`: switch_ivr_broadcast() queues `playback <path>` on the
    channel; it runs (expanded, reported as CHANNEL_EXECUTE) over whatever the channel does, and
    what the channel does next (a bridge, the end of a queue wait) cuts it short."""
    uuid, _, rest = args.partition(" ")
    path, _, legs = rest.rpartition(" ")
    if legs != "aleg" or not path:
        raise UnsupportedApplication(f"uuid_broadcast form not modelled: {args}")
    if uuid != call.variables.get("uuid"):
        return "-ERR invalid uuid\n"  # mod_commands.c uuid_broadcast_function
    call.step("api", command=f"uuid_broadcast {args}", **({"told": told} if told else {}))
    call.executed("playback", call.expand(path))
    return "+OK Message sent\n"
