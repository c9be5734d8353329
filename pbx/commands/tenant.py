"""``centralka tenant``: the companies themselves and their own settings."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from pbx import directory, models
from pbx.commands import changes_db
from pbx.commands.common import (
    company_command, details, emit, fallback_options, fallback_values, given, json_option, saved, with_options,
)
from pbx.extensions import db
from pbx.representations import company_json
from pbx.tenancy import find_tenant


@click.group("tenant")
def command():
    """Companies (tenants): create, list, show, update."""


def _fields(add: bool):
    return with_options(
        click.option("--name", required=add),
        click.option("--timezone", default="Europe/Warsaw" if add else None, show_default=add),
        click.option("--language", default="pl" if add else None, show_default=add, help="pl or en"),
        click.option("--retention-days", default="90" if add else None, show_default=add,
                     help="Days recordings are kept."),
        click.option("--fallback-number", default=None, help="Where calls go when nothing else answers; '' for none."),
    )


# Changed on an existing company only (a new one starts with *1, announced transfers off, *3 to record).
TRANSFER_CODES = with_options(
    click.option("--transfer-blind-code", default=None, help="Keys for a blind transfer during a call, e.g. *1; '' for none."),
    click.option("--transfer-attended-code", default=None, help="Keys for an announced transfer, e.g. *2; '' for none."),
    click.option("--record-code", default=None,
                 help="Keys users with the right press to start and stop recording a call, e.g. *3; '' for none."),
    click.option("--recording-notice", "recording_notice_id", default=None,
                 help="Id of the announcement played when a call starts being recorded; '' for the shared one."),
)


def _with_numbers(tenant: models.Tenant) -> dict:
    return {**company_json(tenant), "main_numbers": [n.number for n in tenant.main_numbers]}


@command.command("create")
@_fields(add=True)
@click.option("--main-number", default=None, help="Primary main number of the company.")
@json_option
@with_appcontext
@changes_db
def create(main_number, as_json, **options):
    """Create a company (and its primary main number)."""
    created = directory.create_tenant(given(options, ("fallback_number",)))
    if main_number:
        directory.add_main_number(created, {"number": main_number, "is_primary": True})
    saved(created)
    emit(as_json, _with_numbers(created), f"created company {created.name} (id {created.id})")


@command.command("list")
@json_option
@with_appcontext
def list_(as_json):
    """Every company: id, name, time zone, main numbers."""
    rows = db.session.scalars(select(models.Tenant).order_by(models.Tenant.id)).all()
    emit(as_json, [_with_numbers(row) for row in rows],
         "\n".join(f"{row.id}\t{row.name}\t{row.timezone}\t{', '.join(n.number for n in row.main_numbers)}"
                   for row in rows))


@company_command(command, "show", changes=False)
def show(company_ref, as_json):
    """The company's settings."""
    data = _with_numbers(find_tenant(company_ref))
    emit(as_json, data, details(data))


@company_command(command, "update", _fields(add=False), fallback_options("default_"), TRANSFER_CODES)
def update(company_ref, as_json, **options):
    """Change the company's settings given (as its owner does in the panel)."""
    tenant = find_tenant(company_ref)
    values = fallback_values(tenant, options, "default_")
    nullable = ("fallback_number", "transfer_blind_code", "transfer_attended_code", "record_code", "recording_notice_id")
    tenant = saved(directory.update_tenant(tenant, {**given(options, nullable), **values}))
    emit(as_json, _with_numbers(tenant), f"updated company {tenant.name} (id {tenant.id})")
