"""``centralka listener``: the FreeSWITCH event listener."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("listener")
@with_appcontext
def command():
    """Listen to FreeSWITCH (ESL_SERVERS) until SIGTERM: call records, queues, recordings."""
    from pbx.listener_app import ListenerService

    ListenerService(current_app._get_current_object()).run_forever()
