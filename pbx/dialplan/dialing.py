"""Dial strings for bridge and for mod_callcenter agents, built from directory ids and digits only.

switch_ivr_originate.c: `,` rings legs at once, `|` rings groups one after another,
`{...}` sets variables on every leg, `[...]` on one leg; `leg_timeout` limits one leg
(it then ends with ALLOTTED_TIMEOUT), `originate_timeout` one `|` group (default 60 s).
"""
from __future__ import annotations

import re

from pbx.dialplan.snapshot import DirectorySnapshot, GroupInfo, UserInfo

# Polish ringback (425 Hz, 1 s on, 4 s off) generated to the caller while legs ring without
# early media (switch_ivr_originate.c plays `ringback` when ignore_early_media is set).
RINGBACK = "%(1000,4000,425)"
# Ring modes of a group as mod_callcenter strategies (a queue keeps the admin's order with top-down).
QUEUE_STRATEGY = {"sequential": "top-down", "random": "random", "simultaneous": "ring-all",
                  "longest-idle": "longest-idle-agent"}
MOH_SOUND = "local_stream://moh"


def digits(e164: str) -> str:
    """'+48501234567' → '48501234567', the form the carrier gateway is dialled with."""
    text = e164[1:] if e164.startswith("+") else e164
    if not text.isdigit():
        raise ValueError(f"not an E.164 number: {e164!r}")
    return text


def caller_key(number: str | None) -> str | None:
    """A caller number in any form ``number_regex`` accepts (+48…, 0048…, 48…, 9 national digits;
    others with +, 00 or bare) in E.164, for lookups; None when it names no number."""
    compact = re.sub(r"[^0-9+]", "", number or "")
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    digits = compact.lstrip("+")
    if not digits.isdigit():
        return None
    if compact.startswith("+"):
        return compact
    if len(digits) == 9:
        return "+48" + digits
    return "+" + digits if len(digits) > 9 else None


def user_targets(user: UserInfo, snapshot: DirectorySnapshot) -> list[str]:
    """Every phone of a user: the number through the carrier, then the registered SIP phone."""
    targets = []
    if user.phone:
        targets.append(f"sofia/gateway/{snapshot.carrier_gateway}/{digits(user.phone)}")
    if user.extension:
        targets.append(f"user/{user.extension}@{snapshot.sip_domain}")
    return targets


def user_target(user: UserInfo, snapshot: DirectorySnapshot) -> str | None:
    """The phone a user is first known by (the test call scripts answers on it)."""
    targets = user_targets(user, snapshot)
    return targets[0] if targets else None


def user_leg(user: UserInfo, snapshot: DirectorySnapshot, ring_seconds: int, present: str | None = None) -> str | None:
    """All of a user's phones at once (`,`), each with the same leg_timeout; None when there is none.

    ``present``: the caller ID number the legs through the carrier show (`origination_caller_id_number`
    per leg, so a SIP phone still shows the caller's extension).
    """
    variables = f"leg_timeout={int(ring_seconds)},centralka_user={user.id}"
    carrier = f"{variables},origination_caller_id_number={present}" if present else variables
    return ",".join(f"[{carrier if target.startswith('sofia/gateway/') else variables}]{target}"
                    for target in user_targets(user, snapshot)) or None


def member_legs(group: GroupInfo, snapshot: DirectorySnapshot, ring_seconds: int | None = None,
                present: str | None = None) -> list[str]:
    """One leg per reachable member, in the admin's order; ring time per member unless given."""
    legs = []
    for member in group.members:
        user = snapshot.users.get(member.user_id)
        leg = user and user_leg(user, snapshot, ring_seconds or member.ring_seconds, present)
        if leg:
            legs.append(leg)
    return legs


def simultaneous(legs: list[str], ring_seconds: int) -> str:
    return f"{{ignore_early_media=true,originate_timeout={int(ring_seconds)}}}" + ",".join(legs)


def sequential(legs: list[str], longest_leg: int) -> str:
    # Each `|` group gets the whole originate_timeout; leg_timeout ends each member's turn.
    # originate_timeout (elapsed >= limit) fires a second before leg_timeout (elapsed > limit)
    # and then FreeSWITCH skips the remaining groups unless told to continue on timeout.
    return (f"{{ignore_early_media=true,originate_continue_on_timeout=true,originate_timeout={int(longest_leg)}}}"
            + "|".join(legs))


def single(leg: str, ring_seconds: int) -> str:
    return f"{{originate_timeout={int(ring_seconds)}}}" + leg


def ring_user(user: UserInfo, snapshot: DirectorySnapshot, ring_seconds: int, present: str | None = None) -> str | None:
    """A user alone: with two phones both ring, with the generated ringback as for a group."""
    leg = user_leg(user, snapshot, ring_seconds, present)
    if leg is None or len(user_targets(user, snapshot)) == 1:
        return leg and single(leg, ring_seconds)
    return simultaneous([leg], ring_seconds)


def queue_definition(snapshot: DirectorySnapshot, base: str, strategy: str, members, max_wait_seconds: int) -> dict:
    """A mod_callcenter queue `<base>@default` (contract shape); agent `<base>_u<user>@default` per reachable member.

    ``members`` are (UserInfo, ring seconds) pairs; an agent's contact rings all of its user's phones.
    """
    agents = [{"name": f"{base}_u{user.id}@default", "contact": user_leg(user, snapshot, seconds),
               "ring_seconds": seconds}
              for user, seconds in members if user_targets(user, snapshot)]
    return {"name": f"{base}@default", "strategy": QUEUE_STRATEGY[strategy], "max_wait_seconds": int(max_wait_seconds),
            "moh_sound": MOH_SOUND, "agents": agents}


def group_members(group: GroupInfo, snapshot: DirectorySnapshot) -> list[tuple[UserInfo, int]]:
    return [(snapshot.users[m.user_id], m.ring_seconds) for m in group.members if m.user_id in snapshot.users]


def rotations(items: list) -> list[list]:
    """Every cyclic rotation: for random ringing each member is first in exactly one of them."""
    return [items[i:] + items[:i] for i in range(len(items))]


def uuid_buckets(count: int) -> list[str]:
    """Regexes splitting call UUIDs into ``count`` near-equal random buckets (last one catches all).

    Characters 7-8 of the UUID are random per call: the low bits of time_low in a version-1
    UUID, random bits in a version-4 one (switch_uuid_get). 256 values spread over the buckets.
    """
    buckets = []
    for index in range(count - 1):
        pairs = "|".join(f"{v:02x}" for v in range(256) if v % count == index)
        buckets.append(f"^[0-9a-f]{{6}}(?:{pairs})")
    return buckets


def number_regex(pattern: str) -> str:
    """'+48221234567' (or the prefix '+4822*') as a regex body over a number as carriers send it.

    Polish numbers arrive as +48…, 0048…, 48… or the 9 national digits; others with +, 00 or bare.
    """
    body = pattern[1:-1] if pattern.endswith("*") else pattern[1:]
    if not pattern.startswith("+") or not body.isdigit() or not 1 <= len(body) <= 15:
        raise ValueError(f"not a number pattern: {pattern!r}")
    if body.startswith("48"):
        regex = f"(?:(?:\\+|00)?48)?{body[2:]}"
    else:
        regex = f"(?:\\+|00)?{body}"
    return regex if pattern.endswith("*") else regex + "$"
