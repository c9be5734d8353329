"""The panel's switch connections: one round of reads serves every page for a while, a lost
connection is opened again, and a switch that does not answer is named instead of failing the page."""
from __future__ import annotations

from pbx.esl import commands
from pbx.reception.switches import LiveView, Switches
from tests.reception.conftest import start_switch

READS = [commands.SHOW_CHANNELS, commands.SHOW_REGISTRATIONS, commands.AGENT_LIST]


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def reads(switch) -> list[str]:
    return [c[4:] for c in switch.server.commands_starting("api ")]


def test_one_round_of_reads_per_switch_serves_every_page_until_it_is_old():
    first, second = start_switch(), start_switch()
    clock = Clock()
    view = LiveView(Switches(",".join(f"127.0.0.1:{s.server.port}:ClueCon" for s in (first, second))), 2.0, clock)
    try:
        first.calls.waiting(1, "+48600100200", "48221000000", "s1_sales")
        pages = [view.now() for _ in range(20)]
        assert all(page is pages[0] for page in pages) and len(pages[0].channels) == 1 and pages[0].complete
        assert reads(first) == READS and reads(second) == READS
        clock.now += 2.0
        view.now()
        assert reads(first) == READS * 2
    finally:
        view.switches.close()
        first.server.stop()
        second.server.stop()


def test_a_lost_connection_is_opened_again_and_a_silent_switch_is_named():
    switch = start_switch()
    switches = Switches(f"127.0.0.1:{switch.server.port}:ClueCon")
    view = LiveView(switches, 0.0)
    try:
        assert view.now().complete
        switch.server.drop_connections()
        switch.server.wait_until(lambda: not any(not c.closed for c in switch.server.connections))
        assert view.now().complete  # reconnected for the next read
        switch.server.stop()
        live = view.now()
        assert (live.complete, live.unreachable) == (False, [f"127.0.0.1:{switch.server.port}"])
    finally:
        switches.close()
        switch.server.stop()
