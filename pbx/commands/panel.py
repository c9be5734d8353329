"""``centralka panel``: the web panel and its REST API (gunicorn)."""
from __future__ import annotations

import os

import click

from pbx import web_server
from pbx.config import Config


@click.command("panel")
@click.option("--bind", default=lambda: f"127.0.0.1:{os.environ.get('PORT', '8000')}",
              help="host:port (default 127.0.0.1:PORT, PORT 8000).")
@click.option("--workers", default=lambda: Config.PANEL_WORKERS, type=int,
              help="CENTRALKA_PANEL_WORKERS, default: the processors less one, at least 1.")
def command(bind, workers):
    """Serve the web panel and API until SIGTERM; SIGHUP reloads it gracefully."""
    web_server.run_panel(bind, workers)
