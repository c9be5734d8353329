"""The API commands the reception page sends, built only from validated UUIDs, digits and our own names.

Each builder names the FreeSWITCH source that parses its command (signalwire/freeswitch). FreeSWITCH
splits an API command's arguments on spaces (``switch_separate_string``) and the event socket ends
a command at a newline, so every argument is checked against a pattern here: nothing a company types
reaches a command (no spaces, newlines, ``$``, ``{`` or quotes).
"""
from __future__ import annotations

import re

UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# What a uuid_transfer may be sent to in our tenant contexts: extensions, `voicemail_<box id>`.
DESTINATION = re.compile(r"[0-9]{2,6}|voicemail_[0-9]+")
CONTEXT = re.compile(r"tenant_[0-9]+")
DIGITS = re.compile(r"[0-9]{6,15}")
GATEWAY = re.compile(r"[A-Za-z0-9_.-]+")
EXTENSION = re.compile(r"[0-9]{2,6}")
SIP_DOMAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*")
CLICK_TO_CALL_RING_SECONDS = 30
# What att_xfer dials: an extension through our dialplan (mod_loopback.c: loopback/<dest>/<context>)
# or an outside number through the carrier.
DIAL = re.compile(r"loopback/[0-9]{2,6}/tenant_[0-9]+|sofia/gateway/[A-Za-z0-9_.-]+/[0-9]{6,15}")
# Our agent names (docs/dialplan-contract.md, "mod_callcenter queues").
AGENT = re.compile(r"t[0-9]+_(?:s[0-9]+_[a-z][a-z0-9_]*|g[0-9]+)_u[0-9]+@default")
# mod_callcenter.c agent_status_table: the statuses `agent set status` accepts.
AGENT_STATUSES = ("Available", "Logged Out", "On Break")
# switch_channel.c CAUSE_CHART: the cause uuid_kill gives the channel.
HANGUP_CAUSE = "NORMAL_CLEARING"


def _checked(pattern: re.Pattern, value: str, what: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise ValueError(f"{what} {value!r} is not allowed in a switch command")
    return value


def channel_tenant(uuid: str) -> str:
    """``uuid_getvar <uuid> <var>`` (mod_commands.c uuid_getvar_function, GETVAR_SYNTAX "<uuid> <var>"):
    the company a channel belongs to; ``-ERR No such channel!`` when the switch does not hold it."""
    return f"uuid_getvar {_checked(UUID, uuid, 'call')} centralka_tenant"


def transfer(uuid: str, destination: str, context: str) -> str:
    """``uuid_transfer <uuid> <dest-exten> XML <context>`` (mod_commands.c transfer_function, TRANSFER_SYNTAX
    "<uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]"): the call hunts ``destination`` in the
    company's dialplan again, so an extension rings as dialled and a box records as in a scenario."""
    return (f"uuid_transfer {_checked(UUID, uuid, 'call')} {_checked(DESTINATION, destination, 'destination')} "
            f"XML {_checked(CONTEXT, context, 'context')}")


def transfer_out(uuid: str, gateway: str, digits: str) -> str:
    """``uuid_transfer <uuid> bridge:sofia/gateway/<gw>/<digits> inline`` (mod_commands.c transfer_function;
    the ``inline`` dialplan of mod_dptools.c inline_dialplan_hunt runs ``app:arg`` items split on ``,``):
    the caller is bridged to an outside number through the carrier, as a forward to a number is."""
    dial = f"sofia/gateway/{_checked(GATEWAY, gateway, 'gateway')}/{_checked(DIGITS, digits, 'number')}"
    return f"uuid_transfer {_checked(UUID, uuid, 'call')} bridge:{dial} inline"


def announced_transfer(leg: str, dial: str) -> str:
    """``uuid_broadcast <uuid> att_xfer::<channel_url> aleg`` (mod_commands.c uuid_broadcast_function,
    BROADCAST_SYNTAX "<uuid> <path> [aleg|bleg|holdb|both]"; switch_ivr_async.c switch_ivr_broadcast runs
    ``app::arg`` as an application on that channel): mod_dptools.c att_xfer_function, run on the
    receptionist's own leg, holds the caller and dials ``dial``; when the receptionist hangs up the
    caller and the one dialled are bridged, ``#`` (attxfer_cancel_key) returns to the caller."""
    return f"uuid_broadcast {_checked(UUID, leg, 'call')} att_xfer::{_checked(DIAL, dial, 'dial string')} aleg"


def click_to_call(extension: str, domain: str, digits: str, context: str) -> str:
    """``bgapi originate {vars}user/<ext>@<domain> 00<digits> XML <context>`` (mod_commands.c bgapi_function
    answers "+OK Job-UUID: …" at once and runs the rest in a thread; originate_function, ORIGINATE_SYNTAX
    "<call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] …", arguments split on
    spaces): the user's SIP phone rings first; once answered, that leg hunts ``00<digits>`` in the company's
    dialplan with ``user_name`` set as a phone's own call has it, so the contact is dialled by the user's
    outbound extension (its caller ID, recording and records, as if the user had dialled the number)."""
    ext = _checked(EXTENSION, extension, "extension")
    variables = (f"{{originate_timeout={CLICK_TO_CALL_RING_SECONDS},user_name={ext},"
                 f"origination_caller_id_number={ext}}}")
    return (f"bgapi originate {variables}user/{ext}@{_checked(SIP_DOMAIN, domain, 'domain')} "
            f"00{_checked(DIGITS, digits, 'number')} XML {_checked(CONTEXT, context, 'context')}")


def hang_up(uuid: str) -> str:
    """``uuid_kill <uuid> [cause]`` (mod_commands.c kill_function, KILL_SYNTAX "<uuid> [cause]")."""
    return f"uuid_kill {_checked(UUID, uuid, 'call')} {HANGUP_CAUSE}"


def agent_status(agent: str, status: str) -> str:
    """``callcenter_config agent set status [agent_name] [status]`` (mod_callcenter.c CC_CONFIG_API_SYNTAX,
    cc_agent_update). The arguments are split on spaces (switch_separate_string), which keeps a
    '...' quoted word whole: "Logged Out" and "On Break" are sent quoted."""
    if status not in AGENT_STATUSES:
        raise ValueError(f"status {status!r} is not one mod_callcenter accepts")
    quoted = f"'{status}'" if " " in status else status
    return f"callcenter_config agent set status {_checked(AGENT, agent, 'agent')} {quoted}"


# The reads of the live view: mod_commands.c show_function ("show channels as json": the channels
# table of switch_core_sqldb.c, one row per channel with its call_uuid, callstate, context, presence_id,
# application) and mod_callcenter.c "callcenter_config agent list" (captured in esl_api_callcenter_setup.txt).
SHOW_CHANNELS = "show channels as json"
SHOW_REGISTRATIONS = "show registrations as json"
AGENT_LIST = "callcenter_config agent list"
