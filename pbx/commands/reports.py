"""``centralka reports ...``: the reports' hourly counts of the stored calls."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from pbx.extensions import db
from pbx.reports import hourly
from pbx.tenancy import NotFound, find_tenant

command = click.Group("reports", help="Reports: the hourly counts of the calls.")


@command.command("backfill")
@click.option("--tenant", "tenant_ref", help="Company id or name (every company when left out).")
@with_appcontext
def reports_backfill(tenant_ref):
    """Count the stored calls per hour afresh (after an upgrade from a version without the counts)."""
    tenant_id = None
    if tenant_ref:
        try:
            tenant_id = find_tenant(tenant_ref).id
        except NotFound as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(2)
    written = hourly.backfill(db.session, tenant_id, report=click.echo)
    click.echo(f"{written} hourly counts written")
