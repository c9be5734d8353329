"""``centralka switch-endpoint``: what FreeSWITCH calls (xml_curl, CDR posts), its own gunicorn."""
from __future__ import annotations

import click

from pbx import web_server
from pbx.config import Config
from pbx.startup_checks import refuse_unsafe_serve


@click.command("switch-endpoint")
@click.option("--bind", default=lambda: Config.SWITCH_ENDPOINT_BIND,
              help="host:port (CENTRALKA_SWITCH_ENDPOINT_BIND, default 127.0.0.1:8001).")
@click.option("--workers", default=lambda: Config.SWITCH_ENDPOINT_WORKERS, type=int)
def command(bind, workers):
    """Serve /xml_curl and /cdr to FreeSWITCH until SIGTERM; SIGHUP reloads it gracefully."""
    refuse_unsafe_serve(bind.rpartition(":")[0])
    web_server.run_switch_endpoint(bind, workers)
