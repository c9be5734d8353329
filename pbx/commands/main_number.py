"""``centralka main-number``: the numbers callers dial, each leading to a scenario or straight to a user or group."""
from __future__ import annotations

import click

from pbx import directory, models
from pbx.commands.common import (
    add_standard_commands, company_command, emit, fallback_options, fallback_values, find, given, saved, with_options,
)
from pbx.extensions import db
from pbx.representations import main_number_json
from pbx.tenancy import find_tenant

_fields = with_options(
    click.option("--label", help="What the number is for, as the panel shows it."),
    click.option("--primary", "is_primary", is_flag=True, default=None, help="Make it the primary number."),
    click.option("--user", help="Ring this user directly when the number has no scenario (id, extension, e-mail, "
                                "name)."),
    click.option("--group", help="Ring this group directly when the number has no scenario (id, extension, name)."),
    fallback_options(),
)


@click.group("main-number")
def command():
    """Main numbers of a company: add, list, show, update, remove (their scenarios: `centralka scenario`)."""


def _values(tenant: models.Tenant, user: str | None, group: str | None, options: dict) -> dict:
    """A user or group given replaces the number's direct target (both given: the schema refuses)."""
    values = fallback_values(tenant, options)
    values.update(given(options))
    if user is not None or group is not None:
        values["target_user_id"] = find(tenant, models.User, user, "user").id if user else None
        values["target_group_id"] = find(tenant, models.Group, group, "group").id if group else None
    return values


def _leads_to(number: models.MainNumber) -> str:
    """Where calls go: a published scenario comes first (pbx.compiler), else the direct target."""
    if number.scenario and number.scenario.published_version_id:
        return f"scenario {number.scenario.name}"
    if number.target_user_id:
        return db.session.get(models.User, number.target_user_id).full_name
    if number.target_group_id:
        return f"group {db.session.get(models.Group, number.target_group_id).name}"
    return "nothing yet"


def _say(verb: str, number: models.MainNumber) -> str:
    primary = ", primary" if number.is_primary else ""
    return f"{verb} main number {number.number} (id {number.id}{primary}): leads to {_leads_to(number)}"


@company_command(command, "add", click.argument("number"), _fields)
def add(company_ref, number, user, group, as_json, **options):
    """Add NUMBER (E.164 or Polish) as a main number; the company's first number is its primary one."""
    tenant = find_tenant(company_ref)
    row = saved(directory.add_main_number(tenant, {"number": number, **_values(tenant, user, group, options)}))
    emit(as_json, main_number_json(row), _say("added", row))


@company_command(command, "update", click.argument("ref"), _fields,
                 click.option("--no-target", is_flag=True, help="Ring no user or group directly."))
def update(company_ref, ref, user, group, no_target, as_json, **options):
    """Change the options given of the main number REF (the number or its id)."""
    tenant = find_tenant(company_ref)
    values = _values(tenant, "" if no_target else user, group, options)
    row = saved(directory.update_main_number(tenant, find(tenant, models.MainNumber, ref, "number").id, values))
    emit(as_json, main_number_json(row), _say("updated", row))


add_standard_commands(command, models.MainNumber, to_json=main_number_json, delete=directory.delete_main_number,
                      order=(models.MainNumber.id,),
                      columns=("id", "number", "is_primary", "label", "target_user_id", "target_group_id"))
