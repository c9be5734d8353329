"""``centralka tasks ...``: the background task workers (huey)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from pbx import fax_sender, probes, tasks  # noqa: F401  (fax_sender: its tasks run here too)

command = click.Group("tasks", help="Background tasks: uploads, voicemail and fax e-mails, faxes sent, expiry.")


@command.command("worker")
@click.option("--workers", default=2, show_default=True, type=int)
@with_appcontext
def tasks_worker(workers):
    """Run the huey consumer: uploads, voicemail e-mails, expiry, the resume sweep."""
    app = current_app._get_current_object()
    tasks.bind(app)
    probes.started(app.config["WORKER_PROBES_BIND"], lambda bind: tasks.probe_server(app, bind))
    tasks.huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()
