"""The ``centralka`` command line (Flask's click integration)."""
from __future__ import annotations

import os
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from pbx import models, scenarios, server
from pbx.app import create_app
from pbx.commands import (
    announcement, box, calls, changes_db, contacts, fax, group, listener, main_number, number_list, panel,
    recordings, reports, scenario, schedule, simulate, switch, switch_endpoint, tasks, tenant, user,
)
from pbx.config import Config, UnsafeConfiguration
from pbx.demo import DEMO_ADMIN_EMAIL, DEMO_NAME, demo_loaded, load_demo, tenant_announcements
from pbx.extensions import db
from pbx.prompts import render_tts
from pbx.startup_checks import refuse_unsafe_serve
from pbx.tasks import bind as bind_tasks
from pbx.tenancy import NotFound, find_tenant


class CentralkaGroup(FlaskGroup):
    """Turns database failures and unsafe settings into one clear line instead of a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UnsafeConfiguration as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(2)
        except DBAPIError as error:
            reason = str(error.orig).splitlines()[0] if error.orig else str(error)
            hint = " (run `centralka db upgrade` first)" if "no such table" in reason or "does not exist" in reason else ""
            click.echo(f"error: database: {reason}{hint}", err=True)
            sys.exit(2)


def _app():
    app = create_app()
    bind_tasks(app)  # the tasks a command queues run in its app (at once, with TASK_QUEUE_URL=memory)
    return app


@click.group(cls=CentralkaGroup, create_app=_app, add_default_commands=True)
def main():
    """Centralka virtual PBX: administration commands."""


@main.group()
def demo():
    """The demo company Firma ABC."""


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="Load only when the database has no company yet.")
@with_appcontext
@changes_db
def demo_load(if_empty):
    if if_empty and demo_loaded():
        click.echo("database already has companies; demo not loaded")
        return
    try:
        find_tenant(DEMO_NAME)
        click.echo(f"{DEMO_NAME} is already loaded")
        return
    except NotFound:
        pass
    tenant = load_demo()
    for announcement in tenant_announcements(tenant):
        render_tts(announcement, current_app.config)
    scenario = db.session.scalar(select(models.Scenario).where(models.Scenario.tenant_id == tenant.id))
    version = scenarios.publish(scenario, current_app.config, note="demo")
    click.echo(f"loaded {tenant.name} (id {tenant.id}), scenario version {version.number} published; "
               f"sign in as {DEMO_ADMIN_EMAIL}")


@main.group()
def users():
    """Lists of users."""


users.add_command(user.export)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="The panel's address.")
@click.option("--port", default=lambda: int(os.environ.get("PORT", "8000")), type=int,
              help="The panel's port (PORT, default 8000).")
@click.option("--workers", default=lambda: Config.PANEL_WORKERS, type=int,
              help="Panel worker processes (CENTRALKA_PANEL_WORKERS; the processors less one).")
@click.option("--switch-bind", default=lambda: Config.SWITCH_ENDPOINT_BIND,
              help="The switch endpoint's address (CENTRALKA_SWITCH_ENDPOINT_BIND, default 127.0.0.1:8001).")
@click.option("--switch-workers", default=lambda: Config.SWITCH_ENDPOINT_WORKERS, type=int)
@click.option("--listener/--no-listener", default=True, help="Also run the FreeSWITCH event listener.")
@click.option("--worker/--no-worker", default=True, help="Also run the task worker (uploads, e-mails, expiry).")
def serve(host, port, workers, switch_bind, switch_workers, listener, worker):
    """Run and keep running the panel, the switch endpoint, the event listener and the task worker.

    Each is a process of its own, restarted whenever it exits; SIGHUP reloads the web servers,
    SIGTERM or Ctrl-C stops everything.
    """
    refuse_unsafe_serve(switch_bind.rpartition(":")[0])  # /xml_curl is served there
    server.run(host, port, workers, switch_bind=switch_bind, switch_workers=switch_workers,
        listener=listener, worker=worker, run_dir=Config.RUN_DIR)


for area in (announcement, box, calls, contacts, fax, group, listener, main_number, number_list, panel, recordings,
             reports, scenario, schedule, simulate, switch, switch_endpoint, tasks, tenant, user):
    main.add_command(area.command)

if __name__ == "__main__":
    main()
