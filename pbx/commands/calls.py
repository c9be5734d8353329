"""``centralka calls``: a company's call records for finance, as the panel's Exports page gives them."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from pbx import models
from pbx.commands import reads_db
from pbx.commands.common import company_option, find
from pbx.export_jobs import write_file
from pbx.tenancy import find_tenant
from schemas.exports import DIRECTIONS, FORMATS, LANGUAGES, ExportQuery

REFERENCES = {"main_number": models.MainNumber, "user": models.User, "group": models.Group}


@click.group("calls")
def command():
    """Call records: export."""


@command.command("export")
@company_option
@click.option("--from", "first", help="First day (2026-12-31 or 31.12.2026), in the company's time zone.")
@click.option("--to", "last", help="Last day, inclusive.")
@click.option("--format", "format_name", type=click.Choice(FORMATS), default="csv", show_default=True,
              help="csv: plain; csv-excel: for Polish Excel (BOM, ';', Polish dates); xlsx: a workbook.")
@click.option("--lang", type=click.Choice(LANGUAGES), help="The words of an xlsx file (the company's language).")
@click.option("--main-number", help="Only calls to this main number.")
@click.option("--user", help="Only calls this user (id, extension, e-mail or name) answered or was rung for.")
@click.option("--group", help="Only calls answered by or ringing a member of this group (id or name).")
@click.option("--direction", type=click.Choice(DIRECTIONS))
@click.option("--answered/--missed", default=None, help="Only answered, or only missed calls.")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), required=True, help="The file to write.")
@with_appcontext
@reads_db
def export(company_ref, first, last, format_name, lang, output, **options):
    """Call records of a period as a file; any number of rows, written as they are read."""
    tenant = find_tenant(company_ref)
    given = {"from": first, "to": last, "format": format_name, "lang": lang, "direction": options["direction"],
             "answered": options["answered"]}
    for option, model in REFERENCES.items():
        if options[option]:
            given[option] = find(tenant, model, options[option], option).id
    filters = ExportQuery(tenant_id=tenant.id).load({key: value for key, value in given.items() if value is not None})
    with open(output, "wb") as handle:
        write_file(tenant, filters, format_name, handle, lang)
        size = handle.tell()
    click.echo(f"{output}: {size} bytes ({format_name})", err=True)
