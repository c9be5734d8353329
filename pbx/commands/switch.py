"""``centralka switch sync``: bring every FreeSWITCH in ESL_SERVERS in line with the published configuration."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from pbx.switch_credentials import freeswitch_vars_document, summary
from pbx.switch_sync import sync_all

command = click.Group("switch", help="The FreeSWITCH servers in ESL_SERVERS.")


@command.command("sync")
@click.option("--dry-run", is_flag=True, help="Read the switches and print what would be sent; change nothing.")
@with_appcontext
def switch_sync(dry_run):
    """Queues, agents and tiers of mod_callcenter, and the directory cache (see docs/switch-sync.md)."""
    reports = sync_all(current_app._get_current_object(), dry_run=dry_run)
    for report in reports:
        state = "unreachable: " + report.unreachable if report.unreachable else f"{len(report.commands)} commands"
        click.echo(f"{report.server}: {state}" + (" (dry run)" if dry_run else ""))
        for line in report.commands:
            click.echo(f"  {'would send' if dry_run else 'sent'}: {line}")
        for line in report.errors:
            click.echo(f"  refused: {line}", err=True)
        for queue in report.waiting:
            click.echo(f"  kept while callers wait: {queue}")
    if not all(report.ok for report in reports):
        sys.exit(1)


@command.command("credentials")
@click.option("--freeswitch-vars", is_flag=True,
              help="Print only FreeSWITCH's centralka_credentials.xml (vars.xml includes it).")
@with_appcontext
def switch_credentials(freeswitch_vars):
    """The credentials FreeSWITCH needs to reach Centralka, and where to put them (docs/freeswitch.md)."""
    click.echo(freeswitch_vars_document(current_app.config) if freeswitch_vars else summary(current_app.config))
