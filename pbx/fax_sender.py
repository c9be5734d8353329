"""Sending faxes over the event socket: the task that dials, and the sweep that tries again.

It sits above the event socket client (pbx.esl), so it is not in ``pbx.tasks``; the task worker
imports it to run these tasks.
"""
from __future__ import annotations

import logging

from huey import crontab

from pbx import fax
from pbx.esl.client import ESLError, connect, parse_servers
from pbx.tasks import app_context, huey

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5.0
# originate answers once the number answered or gave up: the ring time, and the carrier's slack.
COMMAND_TIMEOUT = fax.RING_SECONDS + 15.0


class SwitchAway(Exception):
    """No switch took the command; the fax stays queued."""


def _api(config):
    servers = parse_servers(config.get("ESL_SERVERS") or "")
    if not servers:
        raise SwitchAway("no switch is set (CENTRALKA_ESL_SERVERS)")
    host, port, password = servers[0]

    def api(command: str) -> str:
        try:
            with connect(host, port, password, timeout=CONNECT_TIMEOUT) as client:
                return client.api(command, timeout=COMMAND_TIMEOUT)
        except (OSError, ESLError) as error:
            raise SwitchAway(f"switch {host}:{port}: {error}") from error
    return api


@huey.task()
def send_fax(fax_id: int) -> str:
    """One try; with the switch away the fax stays queued and the sweep below tries again."""
    with app_context() as app, huey.lock_task(f"fax-{fax_id}"):
        return fax.originate(fax_id, app.config, _api(app.config))


@huey.periodic_task(crontab(minute="*"))
def send_queued_faxes() -> int:
    """Each minute: faxes never tried (the queue lost them) and failed tries due again."""
    with app_context():
        waiting = fax.due()
    for fax_id in waiting:
        send_fax(fax_id)
    return len(waiting)
