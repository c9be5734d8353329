"""What a receptionist does with a call, each through the switch that holds it, each audited.

A call is found by asking every switch for the channel's ``centralka_tenant``: the switch that
knows it holds the call, and its answer tells whether the call is the company's. A call that is
gone (the caller hung up, someone else took it) is refused with ``reception.gone``, and nothing is sent.
"""
from __future__ import annotations

from dataclasses import dataclass

from marshmallow import ValidationError

from pbx import audit, models
from pbx.audit_words import phone_words
from pbx.dialplan.dialing import digits
from pbx.esl import commands
from pbx.esl.client import ESLError
from pbx.extensions import db
from pbx.messages import Message
from pbx.reception.board import AGENT_PARTS
from pbx.reception.switches import Server, Switches, registered_on
from pbx.tenancy import get_owned, sip_domain
from schemas.fields import normalise_phone

SWITCH_FAILED = (OSError, TimeoutError, ESLError)
STATUSES = {"available": "Available", "logged_out": "Logged Out", "on_break": "On Break"}


class Refused(Exception):
    """The action was not done; ``status`` is the HTTP status, the message says why in words."""

    def __init__(self, status: int, message: Message):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class Destination:
    """Where a call goes: an extension or box of the company's dialplan, or an outside number."""

    words: str
    extension: str | None = None
    number: str | None = None

    def command(self, uuid: str, tenant_id: int, gateway: str) -> str:
        if self.extension is not None:
            return commands.transfer(uuid, self.extension, f"tenant_{tenant_id}")
        return commands.transfer_out(uuid, gateway, digits(self.number))

    def announced(self, leg: str, tenant_id: int, gateway: str) -> str:
        """The receptionist's own ``leg`` dials the target first: an extension through the dialplan."""
        dial = (f"loopback/{self.extension}/tenant_{tenant_id}" if self.extension is not None
                else f"sofia/gateway/{gateway}/{digits(self.number)}")
        return commands.announced_transfer(leg, dial)


def _person(user: models.User) -> Destination:
    if user.extension:
        return Destination(user.full_name, extension=user.extension)
    if user.phone:
        return Destination(user.full_name, number=user.phone)
    raise Refused(409, Message("reception.unreachable", user=user.full_name))


def own_phone(user: models.User) -> Destination:
    if not (user.extension or user.phone):
        raise Refused(409, Message("reception.no_own_phone"))
    return _person(user)


def destination(tenant_id: int, target: dict) -> Destination:
    """``{"user": id}``, ``{"group": id}``, ``{"extension": "105"}``, ``{"number": "+48..."}`` or ``{"box": id}``."""
    chosen = [key for key in ("user", "group", "extension", "number", "box") if target.get(key) not in (None, "")]
    if len(chosen) != 1:
        raise Refused(400, Message("reception.one_place"))
    key, value = chosen[0], target[chosen[0]]
    if key == "user":
        return _person(get_owned(models.User, tenant_id, value))
    if key == "group":
        group = get_owned(models.Group, tenant_id, value)
        if not group.extension:
            raise Refused(409, Message("reception.group_without_extension", name=group.name))
        return Destination(group.name, extension=group.extension)
    if key == "box":
        box = get_owned(models.VoicemailBox, tenant_id, value)
        return Destination(box.name, extension=f"voicemail_{box.id}")
    if key == "extension":
        return _extension(tenant_id, value)
    try:
        number = normalise_phone(value if isinstance(value, str) else "")
    except ValidationError as error:
        raise Refused(400, error.messages[0]) from None
    return Destination(phone_words(number), number=number)


def _extension(tenant_id: int, value) -> Destination:
    owners = [item for model in (models.User, models.Group) for item in db.session.scalars(
        db.select(model).where(model.tenant_id == tenant_id, model.extension == str(value)))]
    if not owners or not commands.DESTINATION.fullmatch(str(value)):
        raise Refused(400, Message("reception.extension_of_nobody", value=str(value)[:12]))
    owner = owners[0]
    return Destination(owner.full_name if isinstance(owner, models.User) else owner.name, extension=owner.extension)


def find_call(switches: Switches, tenant_id: int, uuid: str) -> Server:
    """The switch holding the company's call ``uuid``; Refused when it is not a call of the company or is gone."""
    if not isinstance(uuid, str) or not commands.UUID.fullmatch(uuid):
        raise Refused(400, Message("reception.not_a_call_id", value=str(uuid)[:40]))
    away = False
    for server in switches.servers:
        try:
            reply = switches.api(server, commands.channel_tenant(uuid)).strip()
        except SWITCH_FAILED:
            away = True
            continue
        if reply.startswith("-ERR"):
            continue  # not on this switch
        if reply == str(tenant_id):
            return server
        raise Refused(404, Message("reception.not_ours"))
    raise Refused(503, Message("reception.switch_away")) if away else Refused(409, Message("reception.gone"))


def send(switches: Switches, server: Server, command: str) -> None:
    """One command; a vanished channel is gone, any other refusal is told as the switch worded it."""
    try:
        reply = switches.api(server, command).strip()
    except SWITCH_FAILED:
        raise Refused(503, Message("reception.switch_away")) from None
    if reply.startswith(("-ERR No such channel", "-ERR invalid uuid")):  # uuid_broadcast says the latter
        raise Refused(409, Message("reception.gone"))
    if not reply.startswith("+OK"):
        raise Refused(502, Message("reception.switch_refused",
                                   reply=reply.splitlines()[0][:200] if reply else "no reply"))


def on_call(switches: Switches, tenant_id: int, uuid: str, command_of, what: str, words: dict,
            leg: str | None = None) -> None:
    """Find the call (or the other ``leg`` of it the command is for), send the command ``command_of``
    builds for it, and audit on the call what was done or why not (by code, worded when the log is read)."""
    result = Message("reception.done")
    try:
        channel = leg or uuid
        send(switches, find_call(switches, tenant_id, channel), command_of(channel))
    except Refused as refused:
        result = refused.message
        raise
    finally:
        if commands.UUID.fullmatch(str(uuid)):
            audit.record_action(db.session, tenant_id, what, "Call", uuid, {**words, "result": result.as_json()})
            db.session.commit()


def agent_of(tenant_id: int, agent: str) -> tuple[models.User, str]:
    """The user of one of the company's queue agents, and the agent's queue name."""
    parts = AGENT_PARTS.fullmatch(agent or "")
    if not parts or int(parts["tenant"]) != tenant_id or not commands.AGENT.fullmatch(agent):
        raise Refused(404, Message("reception.no_such_member"))
    return get_owned(models.User, tenant_id, int(parts["user"])), f"{parts['queue']}@default"


# mod_callcenter's answer for an agent it does not hold: with several switches, a company's agents
# are only on its home switch (pbx.switch_sync), so the others answer this.
AGENT_NOT_HERE = "-ERR Agent not found!"


def set_agent_status(switches: Switches, tenant_id: int, agent: str, status: str, words: dict) -> None:
    """Log a queue member in or out, or give them a break, on the switch that holds the agent: every
    switch is asked, those without the agent are passed over; refused when none holds it."""
    if status not in STATUSES:
        raise Refused(400, Message("reception.status_choice"))
    command = commands.agent_status(agent, STATUSES[status])
    failed, replies = [], []
    for server in switches.servers:
        try:
            reply = switches.api(server, command).strip()
        except SWITCH_FAILED:
            reply = "no reply"
        replies.append(reply)
        if not reply.startswith("+OK") and reply != AGENT_NOT_HERE:
            failed.append(reply)
    if not failed and AGENT_NOT_HERE in replies and not any(r.startswith("+OK") for r in replies):
        failed.append(AGENT_NOT_HERE)
    result = Message("reception.not_everywhere", reply=failed[0]) if failed else Message("reception.done")
    audit.record_action(db.session, tenant_id, status[:10], "QueueAgent", agent, {**words, "result": result.as_json()})
    db.session.commit()
    if failed:
        raise Refused(503, Message("reception.switch_away")) if "no reply" in failed \
            else Refused(502, Message("reception.switch_refused", reply=failed[0][:200]))


def call_contact(switches: Switches, user: models.User, contact: models.Contact, number: str, sip_suffix: str) -> None:
    """Click to call: ring the user's own SIP phone, then dial one of the contact's numbers from it; audited
    on the contact with what was done or why not."""
    result = Message("reception.done")
    try:
        if number not in [n["number"] for n in contact.numbers or []]:
            raise Refused(400, Message("contact.not_its_number"))
        if not user.extension:
            raise Refused(409, Message("contact.call_needs_a_phone"))
        domain = sip_domain(user.tenant_id, sip_suffix)
        server = registered_on(switches, f"{user.extension}@{domain}")
        if server is None:
            raise Refused(409, Message("contact.phone_not_registered", extension=user.extension))
        reply = switches.api(server, commands.click_to_call(user.extension, domain, digits(number),
                                                           f"tenant_{user.tenant_id}")).strip()
        if not reply.startswith("+OK"):
            raise Refused(502, Message("reception.switch_refused", reply=reply.splitlines()[0][:200] or "no reply"))
    except SWITCH_FAILED:
        result = Message("reception.switch_away")
        raise Refused(503, result) from None
    except Refused as refused:
        result = refused.message
        raise
    finally:
        audit.record_action(db.session, user.tenant_id, "call", "Contact", contact.id,
                            {"name": contact.name, "to": phone_words(number), "by": user.full_name,
                             "result": result.as_json()})
        db.session.commit()
