"""``centralka number-list``: VIP lists and blacklists of callers' numbers and prefixes."""
from __future__ import annotations

import click

from pbx import directory, models
from pbx.commands.common import (
    add_standard_commands, company_command, emit, find, given, saved, with_options,
)
from pbx.representations import number_list_json
from pbx.tenancy import find_tenant


@click.group("number-list")
def command():
    """Number lists of a company (vip / blacklist): add, list, show, update, remove."""


def _fields(add: bool):
    return with_options(
        click.option("--name", required=add),
        click.option("--kind", required=add, help="vip or blacklist"),
        click.option("--pattern", "patterns", multiple=True,
                     help="A number, or a prefix ending in '*' (+4822*); repeatable."),
        click.option("--patterns-from", type=click.File("r", encoding="utf-8"), default=None,
                     help="A file of patterns, one a line ('-' reads standard input)."),
    )


def _values(patterns: tuple, source, options: dict) -> dict:
    """Patterns given (on the command line and from the file) replace the list's patterns."""
    values = given(options)
    listed = list(patterns) + ([line.strip() for line in source if line.strip()] if source else [])
    if listed:
        values["patterns"] = listed
    return values


def _say(verb: str, lst: models.NumberList) -> str:
    return f"{verb} {lst.kind.value} list {lst.name} (id {lst.id}): {len(lst.patterns or [])} patterns"


@company_command(command, "add", _fields(add=True))
def add(company_ref, patterns, patterns_from, as_json, **options):
    """Add a number list."""
    lst = saved(directory.add_number_list(find_tenant(company_ref), _values(patterns, patterns_from, options)))
    emit(as_json, number_list_json(lst), _say("added", lst))


@company_command(command, "update", click.argument("ref"), _fields(add=False),
                 click.option("--no-patterns", is_flag=True, help="Empty the list."))
def update(company_ref, ref, patterns, patterns_from, no_patterns, as_json, **options):
    """Change the options given of the list REF (id or name)."""
    tenant = find_tenant(company_ref)
    values = {**_values(patterns, patterns_from, options), **({"patterns": []} if no_patterns else {})}
    lst = saved(directory.update_number_list(tenant, find(tenant, models.NumberList, ref, "list").id, values))
    emit(as_json, number_list_json(lst), _say("updated", lst))


add_standard_commands(command, models.NumberList, to_json=number_list_json, delete=directory.delete_number_list,
                      order=(models.NumberList.name, models.NumberList.id),
                      columns=("id", "name", "kind", "patterns"))
