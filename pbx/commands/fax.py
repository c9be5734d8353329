"""``centralka fax ...``: send a PDF by fax, list a company's faxes."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from marshmallow import ValidationError

from pbx import fax, fax_sender, models
from pbx.commands import changes_db, reads_db
from pbx.extensions import db
from pbx.tenancy import find_tenant

command = click.Group("fax", help="Faxes: send a PDF to a number, list those received and sent.")


@command.command("send")
@click.option("--tenant", "tenant_ref", required=True, help="Company id or name.")
@click.option("--number", required=True, help="The fax number, e.g. +48221000099.")
@click.argument("document", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
@changes_db
def fax_send(tenant_ref, number, document):
    """Queue DOCUMENT (a PDF) for the task worker to fax to --number."""
    try:
        sent = fax.queue_fax(find_tenant(tenant_ref), number, document.read_bytes(), document.name,
                             current_app.config)
    except fax.FaxRefused as refused:
        raise ValidationError({refused.field: [str(refused.message)]}) from None
    db.session.commit()
    fax_sender.send_fax(sent.id)
    click.echo(f"fax {sent.id} to {sent.number}: {sent.pages} pages queued")


@command.command("list")
@click.option("--tenant", "tenant_ref", required=True, help="Company id or name.")
@with_appcontext
@reads_db
def fax_list(tenant_ref):
    """The company's faxes, newest first, one JSON object a line."""
    tenant = find_tenant(tenant_ref)
    for row in db.session.scalars(db.select(models.Fax).where(models.Fax.tenant_id == tenant.id)
                                  .order_by(models.Fax.created_at.desc(), models.Fax.id.desc())):
        click.echo(json.dumps(fax.describe(row), ensure_ascii=False))
