"""``centralka user``: the people of a company, as the panel's Users page manages them."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from pbx import directory, models
from pbx.commands import reads_db
from pbx.commands.common import (
    add_standard_commands, company_command, company_option, emit, find, given, saved, with_options,
)
from pbx.exports import FORMATS, users_csv
from pbx.representations import user_json
from pbx.tenancy import find_tenant


NULLABLE = ("phone", "extension")


@click.group("user")
def command():
    """Users of a company: add, list, show, update, remove, export."""


def _fields(add: bool):
    """The user's fields as options; every value is checked by the panel's schema (schemas.directory.UserInput)."""
    return with_options(
        click.option("--first-name", required=add),
        click.option("--last-name", required=add),
        click.option("--email", required=add, help="Where voicemail and sign-in codes go."),
        click.option("--phone", help="The phone that rings (E.164 or Polish); '' removes it."),
        click.option("--extension", help="2-6 digits, unique among users and groups; '' removes it."),
        click.option("--role", help="user or admin"),
        click.option("--description"),
        click.option("--admin-level", help="0 none, 1 viewer, 2 editor, 3 owner."),
        click.option("--record-calls/--no-record-calls", default=None, help="Record all of the user's calls."),
        click.option("--may-record-on-demand/--may-not-record-on-demand", default=None,
                     help="May start and stop recording a call with the company's record code."),
        click.option("--may-present-main-number/--may-not-present-main-number", default=None,
                     help="May call out showing the main number (per call, with *666)."),
        click.option("--always-present-main-number/--not-always-present-main-number", default=None,
                     help="Every outbound call shows the main number."),
    )


def _say(verb: str, user: models.User) -> str:
    return f"{verb} {user.full_name} (id {user.id}) in {user.tenant.name}"


@company_command(command, "add", _fields(add=True))
def add(company_ref, as_json, **options):
    """Add a user."""
    user = saved(directory.add_user(find_tenant(company_ref), given(options, NULLABLE)))
    emit(as_json, user_json(user), _say("added", user))


@company_command(command, "update", click.argument("ref"), _fields(add=False))
def update(company_ref, ref, as_json, **options):
    """Change the options given of the user REF (id, extension, e-mail or "First Last")."""
    tenant = find_tenant(company_ref)
    user = saved(directory.update_user(tenant, find(tenant, models.User, ref, "user").id,
                                      given(options, NULLABLE)))
    emit(as_json, user_json(user), _say("updated", user))


@command.command("export")
@company_option
@click.option("--csv", "as_csv", is_flag=True, default=True, help="CSV (the only format).")
@click.option("--format", "format_name", type=click.Choice(FORMATS[:2]), default="csv", show_default=True,
              help="csv: plain; csv-excel: for Polish Excel (BOM, ';', Polish headers).")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), default=None)
@with_appcontext
@reads_db
def export(company_ref, as_csv, format_name, output):
    """Users and admins as CSV."""
    text = users_csv(find_tenant(company_ref), format_name)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    else:
        click.echo(text, nl=False)


add_standard_commands(command, models.User, to_json=user_json, delete=directory.delete_user,
                      order=(models.User.last_name, models.User.id),
                      columns=("id", "first_name", "last_name", "extension", "phone", "email"))
