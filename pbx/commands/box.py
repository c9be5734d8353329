"""``centralka box``: voicemail boxes, whose messages are e-mailed to users and extra addresses."""
from __future__ import annotations

import click

from pbx import directory, models
from pbx.commands.common import (
    add_standard_commands, company_command, emit, find, given, saved, with_options,
)
from pbx.representations import box_json
from pbx.tenancy import find_tenant


@click.group("box")
def command():
    """Voicemail boxes of a company: add, list, show, update, remove."""


def _fields(add: bool):
    return with_options(
        click.option("--name", required=add),
        click.option("--recipient", "recipients", multiple=True,
                     help="A user whose e-mail gets the messages (id, extension, e-mail or name); repeatable."),
        click.option("--email", "emails", multiple=True, help="An extra address that gets the messages; repeatable."),
        click.option("--greeting", help="The announcement played first (id or name); '' for none."),
        click.option("--max-seconds", help="Longest message, 10-600 seconds."),
    )


def _values(tenant: models.Tenant, recipients: tuple, emails: tuple, greeting: str | None, options: dict) -> dict:
    """Given on update, recipients and addresses replace the box's lists (the other list stays)."""
    values = given(options)
    if recipients:
        values["recipient_ids"] = [find(tenant, models.User, ref, "recipient").id for ref in recipients]
    if emails:
        values["extra_emails"] = list(emails)
    if greeting is not None:
        values["greeting_id"] = find(tenant, models.Announcement, greeting, "greeting").id if greeting else None
    return values


def _say(verb: str, box: models.VoicemailBox) -> str:
    return f"{verb} voicemail box {box.name} (id {box.id}), e-mailed to {', '.join(box.recipient_emails)}"


@company_command(command, "add", _fields(add=True))
def add(company_ref, recipients, emails, greeting, as_json, **options):
    """Add a voicemail box (at least one recipient or address)."""
    tenant = find_tenant(company_ref)
    box = saved(directory.add_voicemail_box(tenant, _values(tenant, recipients, emails, greeting, options)))
    emit(as_json, box_json(box), _say("added", box))


@company_command(command, "update", click.argument("ref"), _fields(add=False),
                 click.option("--no-emails", is_flag=True, help="Remove every extra address."))
def update(company_ref, ref, recipients, emails, greeting, no_emails, as_json, **options):
    """Change the options given of the box REF (id or name)."""
    tenant = find_tenant(company_ref)
    values = _values(tenant, recipients, emails, greeting, options)
    if no_emails:
        values["extra_emails"] = []
    box = saved(directory.update_voicemail_box(tenant, find(tenant, models.VoicemailBox, ref, "box").id, values))
    emit(as_json, box_json(box), _say("updated", box))


add_standard_commands(command, models.VoicemailBox, to_json=box_json, delete=directory.delete_voicemail_box,
                      order=(models.VoicemailBox.name, models.VoicemailBox.id),
                      columns=("id", "name", "greeting_id", "max_seconds", "recipient_emails"))
