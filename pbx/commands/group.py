"""``centralka group``: groups of users that ring together, in order or at random."""
from __future__ import annotations

import click

from pbx import directory, models
from pbx.commands.common import (
    add_standard_commands, company_command, emit, fallback_options, fallback_values, find, given, saved, with_options,
)
from pbx.representations import group_json
from pbx.tenancy import find_tenant


@click.group("group")
def command():
    """Groups of a company: add, list, show, update, remove."""


def _fields(add: bool):
    return with_options(
        click.option("--name", required=add),
        click.option("--ring-mode", help="sequential, simultaneous, random or longest-idle."),
        click.option("--extension", help="2-6 digits, unique among users and groups; '' removes it."),
        click.option("--record-calls/--no-record-calls", default=None, help="Record the group's calls."),
        click.option("--member", "members", multiple=True,
                     help="A user (id, extension, e-mail or name), optionally =SECONDS of ringing; repeat in "
                          "ringing order. Given on update, the list replaces the members."),
        fallback_options(),
    )


def _member(tenant: models.Tenant, text: str) -> dict:
    ref, sep, seconds = text.rpartition("=")
    user = find(tenant, models.User, ref if sep else text, "member")
    return {"user_id": user.id, **({"ring_seconds": seconds} if sep else {})}


def _values(tenant: models.Tenant, members: tuple, no_members: bool, options: dict) -> dict:
    values = fallback_values(tenant, options)
    values.update(given(options, ("extension",)))
    if members or no_members:
        values["members"] = [_member(tenant, text) for text in members]
    return values


def _say(verb: str, group: models.Group) -> str:
    names = ", ".join(m.user.full_name for m in group.members) or "no members"
    return f"{verb} group {group.name} (id {group.id}, {group.ring_mode.value}): {names}"


@company_command(command, "add", _fields(add=True))
def add(company_ref, members, as_json, **options):
    """Add a group."""
    tenant = find_tenant(company_ref)
    group = saved(directory.add_group(tenant, _values(tenant, members, False, options)))
    emit(as_json, group_json(group), _say("added", group))


@company_command(command, "update", click.argument("ref"), _fields(add=False),
                 click.option("--no-members", is_flag=True, help="Leave the group without members."))
def update(company_ref, ref, members, no_members, as_json, **options):
    """Change the options given of the group REF (id, extension or name)."""
    tenant = find_tenant(company_ref)
    group_id = find(tenant, models.Group, ref, "group").id
    group = saved(directory.update_group(tenant, group_id, _values(tenant, members, no_members, options)))
    emit(as_json, group_json(group), _say("updated", group))


add_standard_commands(command, models.Group, to_json=group_json, delete=directory.delete_group,
                      order=(models.Group.name, models.Group.id),
                      columns=("id", "name", "extension", "ring_mode", "record_calls"))
