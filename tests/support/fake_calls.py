"""The channels of a fake switch behind FakeFreeSwitch's ``api``, answering as mod_commands does.

Rows of ``show channels as json`` are the captured row (esl_api_replies.txt, call 2) with the
fields a test sets; ``uuid_getvar``, ``uuid_transfer``, ``uuid_broadcast`` and ``uuid_kill`` give the
replies of mod_commands.c (``-ERR No such channel!`` for a channel the switch does not hold,
``+OK Job-UUID: …`` for ``bgapi``,
``-ERR invalid uuid`` from uuid_broadcast, ``_undef_`` for an unset variable). ``callcenter_config``
goes to a FakeCallcenter.
"""
from __future__ import annotations

import copy
import json
import time
import uuid as uuids

from tests.support.captured import annotated_replies
from tests.support.fake_callcenter import FakeCallcenter, Replies

NO_SUCH_CHANNEL = "-ERR No such channel!\n"


def captured_channel_row() -> dict:
    """The one channel of the capture's ``show channels as json`` taken during call 2."""
    for command, frame in annotated_replies("esl_api_replies.txt"):
        if command == "api show channels as json":
            body = json.loads(frame.split(b"\n\n", 1)[1])
            if body["row_count"]:
                return body["rows"][0]
    raise LookupError("no channel in the capture")


class FakeCalls:
    """Channels by uuid, each with its company (``centralka_tenant``)."""

    PREFIXES = ("show channels", "show registrations", "uuid_getvar ", "uuid_transfer ", "uuid_kill ",
                "uuid_broadcast ", "callcenter_config ", "bgapi ")

    def __init__(self, callcenter: FakeCallcenter | None = None):
        self.channels: dict[str, dict] = {}
        self.tenants: dict[str, int] = {}
        self.registrations: list[dict] = []
        self.callcenter = callcenter or FakeCallcenter()

    def replies(self, canned) -> Replies:
        """FakeFreeSwitch.api_replies answering channel and callcenter commands from this model."""
        return Replies(canned, self, self.PREFIXES)

    def add(self, tenant_id: int | None, **fields) -> dict:
        """A channel like the captured one; ``fields`` override its columns."""
        row = copy.deepcopy(captured_channel_row())
        row.update(uuid=str(uuids.uuid4()), created_epoch=str(int(time.time())), call_uuid="")
        row.update(fields)
        self.channels[row["uuid"]] = row
        if tenant_id is not None:
            self.tenants[row["uuid"]] = tenant_id
        return row

    def waiting(self, tenant_id: int, caller: str, dialled: str, node: str) -> dict:
        """A caller from the carrier waiting in a queue of a scenario's node ``s<scenario>_<node>``."""
        return self.add(tenant_id, direction="inbound", context=f"tenant_{tenant_id}", cid_num=caller,
                        cid_name=caller, dest=node, initial_dest=dialled, application="callcenter",
                        application_data="", callstate="ACTIVE", presence_id="")

    def ringing(self, caller: dict, **fields) -> dict:
        """A leg the caller rings, linked to it by call_uuid as the switch's channels table links them."""
        caller["call_uuid"] = caller["uuid"]
        return self.add(self.tenants.get(caller["uuid"]), **{
            "direction": "outbound", "context": caller["context"], "call_uuid": caller["uuid"], "callstate": "RINGING",
            "application": "", **fields})

    # -- the api ----------------------------------------------------------------------------
    def api(self, command: str) -> str:
        verb, _, rest = command.partition(" ")
        if verb == "callcenter_config":
            return self.callcenter.api(command)
        if command == "show channels as json":
            return json.dumps({"row_count": len(self.channels), "rows": list(self.channels.values())}) + "\n"
        if command == "show registrations as json":
            return json.dumps({"row_count": len(self.registrations), "rows": self.registrations}) + "\n"
        return getattr(self, f"_{verb}")(*rest.split(" "))

    def _bgapi(self, *command):
        """mod_commands.c bgapi_function: the job is started, its outcome comes later as an event."""
        return f"+OK Job-UUID: {uuids.uuid4()}\n"

    def _uuid_getvar(self, uuid, name):
        if uuid not in self.channels:
            return NO_SUCH_CHANNEL
        return str(self.tenants.get(uuid, "_undef_")) if name == "centralka_tenant" else "_undef_"

    def _uuid_transfer(self, uuid, destination, dialplan="XML", context="default"):
        """The caller leaves what it ran (the queue) and hunts ``destination``: shown as ringing it."""
        if uuid not in self.channels:
            return NO_SUCH_CHANNEL
        caller = self.channels[uuid]
        caller.update(application="bridge", dest=destination)
        target = destination.rsplit("/", 1)[-1]
        self.ringing(caller, dest=target, presence_id=f"{target}@t{self.tenants.get(uuid)}.pbx.local")
        return "+OK\n"

    def _uuid_broadcast(self, uuid, path, flags="aleg"):
        return "+OK Message sent\n" if uuid in self.channels else "-ERR invalid uuid\n"

    def _uuid_kill(self, uuid, cause="NORMAL_CLEARING"):
        if uuid not in self.channels:
            return NO_SUCH_CHANNEL
        for key in [k for k, row in self.channels.items() if k == uuid or row.get("call_uuid") == uuid]:
            self.channels.pop(key)
        return "+OK\n"

