"""A fake switch holding the demo company's calls, named in ESL_SERVERS, and the receptionist signed in."""
from __future__ import annotations

import time
from dataclasses import dataclass

import pytest

from pbx import queues
from pbx.extensions import db
from tests.conftest import sign_in
from tests.support.esl_server import FakeFreeSwitch
from tests.support.fake_calls import FakeCalls
from tests.support.streams import named

MAIN_DIALLED = "48221000000"  # the demo's main number as the carrier sends it
CALLER = "+48600100200"
MEMBER_QUEUE_START = next(h for h in named("callcenter_answered", "CUSTOM") if h["CC-Action"] == "member-queue-start")


@dataclass
class Switch:
    server: FakeFreeSwitch
    calls: FakeCalls

    def actions(self) -> list[str]:
        """The API commands that act on calls or agents (the live view's reads left out)."""
        return [c[4:] for c in self.server.commands_starting("api ")
                if not c.startswith(("api show ", "api callcenter_config agent list"))]


def start_switch() -> Switch:
    calls = FakeCalls()
    server = FakeFreeSwitch()
    server.api_replies = calls.replies(server.api_replies)
    return Switch(server.start(), calls)


def use_switches(app, switches: list[Switch]) -> None:
    app.config["ESL_SERVERS"] = ",".join(f"127.0.0.1:{s.server.port}:ClueCon" for s in switches)


@pytest.fixture
def switch(ctx):
    started = start_switch()
    saved = ctx.config["ESL_SERVERS"]
    ctx.config["RECEPTION_VIEW_SECONDS"] = 0  # every request reads the switch afresh
    use_switches(ctx, [started])
    yield started
    ctx.config["ESL_SERVERS"] = saved
    view = ctx.extensions.pop("reception", None)
    if view is not None:
        view.switches.close()
    started.server.stop()


def queue_of(tenant) -> str:
    """The queue of the demo scenario's "sales" forward node, as the compiler names it."""
    return f"t{tenant.id}_s{tenant.main_numbers[0].scenario.id}_sales@default"


def enters_queue(tenant, channel: dict, queue: str, seconds_ago: int = 30) -> None:
    """What the listener saves from the captured member-queue-start, for this caller and queue."""
    joined = time.time() - seconds_ago
    headers = dict(MEMBER_QUEUE_START, **{
        "CC-Queue": queue, "CC-Member-Session-UUID": channel["uuid"], "Unique-ID": channel["uuid"],
        "CC-Member-CID-Number": channel["cid_num"], "CC-Member-Joined-Time": str(int(joined)),
        "Event-Date-Timestamp": str(int(joined * 1e6)), "variable_centralka_tenant": str(tenant.id)})
    queues.save_queue_events(db.session, queues.facts_from_callcenter(headers))
    db.session.commit()


@pytest.fixture
def waiting(published, demo, switch):
    """A caller from outside waiting in the sales queue of the published demo scenario."""
    channel = switch.calls.waiting(demo.id, CALLER, MAIN_DIALLED, f"s{published.id}_sales")
    enters_queue(demo, channel, queue_of(demo))
    return channel


@pytest.fixture
def receptionist(client, owner):
    """Anna Kowalska, the demo's receptionist (and owner), signed in."""
    assert owner.receptionist
    sign_in(client, owner)
    return client
