"""``centralka listener``: the FreeSWITCH event listener."""
from __future__ import annotations

import functools

import click
from flask import current_app
from flask.cli import with_appcontext

from pbx.app import create_app
from pbx.listener_app import ListenerService


@click.command("listener")
@with_appcontext
def command():
    """Listen to FreeSWITCH (ESL_SERVERS) until SIGTERM: call records, queues, recordings."""
    app = current_app._get_current_object()
    # The record writer's process builds its own app with the same settings.
    ListenerService(app, functools.partial(create_app, dict(app.config))).run_forever()
