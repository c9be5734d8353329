"""The panel's own event-socket connections: one per switch per process, and the live view read through them."""
from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field

from pbx.esl import commands
from pbx.esl.client import ConnectionLost, ESLError, connect, parse_servers
from pbx.switch_sync import SwitchError, parse_list

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 3.0
COMMAND_TIMEOUT = 5.0

Server = tuple[str, int, str]


class Switches:
    """``api()`` on a named switch over a connection kept open between requests (reopened once if lost)."""

    def __init__(self, servers_text: str, opener=connect):
        self.servers_text = servers_text
        self.servers: list[Server] = parse_servers(servers_text or "")
        self._open = opener
        self._clients: dict[Server, object] = {}
        self._lock = threading.Lock()

    def api(self, server: Server, command: str) -> str:
        try:
            return self._client(server).api(command, timeout=COMMAND_TIMEOUT)
        except ConnectionLost:
            self._forget(server)
            return self._client(server).api(command, timeout=COMMAND_TIMEOUT)

    def _client(self, server: Server):
        with self._lock:
            client = self._clients.get(server)
            if client is None or not client.connected:
                host, port, password = server
                client = self._clients[server] = self._open(host, port, password, timeout=CONNECT_TIMEOUT)
            return client

    def _forget(self, server: Server) -> None:
        with self._lock:
            client = self._clients.pop(server, None)
        if client is not None:
            client.close()

    def close(self) -> None:
        for server in list(self._clients):
            self._forget(server)


def registered_on(switches: Switches, address: str) -> Server | None:
    """The switch a SIP phone (``<extension>@<domain>``) is registered with; None when on none that answered."""
    for server in switches.servers:
        try:
            rows = _json_rows(switches.api(server, commands.SHOW_REGISTRATIONS))
        except (OSError, TimeoutError, ESLError, SwitchError):
            continue
        if any(f"{row.get('reg_user')}@{row.get('realm')}" == address for row in rows):
            return server
    return None


@dataclass
class Live:
    """What the switches said at ``read_at``; ``unreachable`` names the switches that did not answer."""

    channels: list[dict] = field(default_factory=list)
    agents: dict[str, dict] = field(default_factory=dict)
    registered: set[str] = field(default_factory=set)  # "<user>@<realm>"
    unreachable: list[str] = field(default_factory=list)
    answered: int = 0  # switches read
    read_at: float = 0.0

    @property
    def complete(self) -> bool:
        """Every switch answered (and there is one): what the switches do not hold is gone."""
        return self.answered > 0 and not self.unreachable


def _json_rows(text: str) -> list[dict]:
    try:
        return json.loads(text).get("rows") or []
    except (ValueError, AttributeError):
        raise SwitchError(f"unexpected reply: {text.strip()[:200]!r}") from None


def read_switch(switches: Switches, server: Server, live: Live) -> None:
    """One switch's channels, registrations and queue agents, added to ``live``."""
    channels = _json_rows(switches.api(server, commands.SHOW_CHANNELS))
    registrations = _json_rows(switches.api(server, commands.SHOW_REGISTRATIONS))
    agents = parse_list(switches.api(server, commands.AGENT_LIST), "contact")
    live.channels += [{**row, "server": server} for row in channels]
    live.registered |= {f"{row.get('reg_user')}@{row.get('realm')}" for row in registrations}
    live.agents.update({row["name"]: row for row in agents if "name" in row})
    live.answered += 1


class LiveView:
    """The switches' facts, read at most every ``seconds`` whatever the number of pages asking."""

    def __init__(self, switches: Switches, seconds: float, clock=time.monotonic):
        self.switches, self.seconds, self.clock = switches, seconds, clock
        self._lock = threading.Lock()
        self._live: Live | None = None

    def now(self) -> Live:
        with self._lock:  # one reader at a time; the others take its result
            if self._live is None or self.clock() - self._live.read_at >= self.seconds:
                self._live = self._read()
            return self._live

    def _read(self) -> Live:
        live = Live()
        for server in self.switches.servers:
            try:
                read_switch(self.switches, server, live)
            except (OSError, TimeoutError, ESLError, SwitchError) as error:
                log.warning("reception: switch %s:%s not read: %s", server[0], server[1], error)
                live.unreachable.append(f"{server[0]}:{server[1]}")
        live.read_at = self.clock()
        return live


_making = threading.Lock()


def for_app(app) -> LiveView:
    """The app's live view, made again when its ESL_SERVERS or RECEPTION_VIEW_SECONDS change."""
    text, seconds = app.config.get("ESL_SERVERS") or "", app.config["RECEPTION_VIEW_SECONDS"]
    with _making:
        view = app.extensions.get("reception")
        if view is None or (view.switches.servers_text, view.seconds) != (text, seconds):
            if view is not None:
                view.switches.close()
            view = app.extensions["reception"] = LiveView(Switches(text), seconds)
        return view
