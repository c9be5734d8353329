"""`centralka scenario …`: import, export, show, publish, roll back and diff the scenario of a main number."""
from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from pbx import models, scenarios
from pbx.commands import reads_db
from pbx.commands.common import company_command, company_option, emit, find
from pbx.compiler import ScenarioInvalid
from pbx.extensions import db
from pbx.representations import check_json, scenario_json, stamp, version_json
from pbx.tenancy import find_tenant


NUMBER = click.option("--number", "number_ref", required=True, help="Main number (E.164) or its id.")


@click.group("scenario")
def command():
    """Scenario trees of main numbers: drafts, versions, diffs."""


def _fail(lines) -> None:
    db.session.rollback()
    for line in lines:
        click.echo(f"error: {line}", err=True)
    sys.exit(2)


def _number(company_ref: str, number_ref: str) -> tuple[models.Tenant, models.MainNumber]:
    tenant = find_tenant(company_ref)
    return tenant, find(tenant, models.MainNumber, number_ref, "number")


def _scenario(company_ref: str, number_ref: str) -> models.Scenario:
    tenant, number = _number(company_ref, number_ref)
    return scenarios.scenario_for(tenant, number)


def _published(action):
    """Report compile errors node by node; exit 2 with nothing changed."""
    try:
        return action()
    except ScenarioInvalid as error:
        _fail(str(p) for p in error.errors)


@company_command(command, "import", NUMBER, click.argument("file", type=click.File("r", encoding="utf-8")))
def import_(company_ref, number_ref, file, as_json):
    """Save FILE (scenario JSON, '-' for standard input) as the draft; its check is printed, nothing is published."""
    try:
        document = json.load(file)
    except ValueError as error:
        _fail([f"{file.name} is not JSON: {error}"])
    if not isinstance(document, dict):
        _fail([f"{file.name}: a scenario is a JSON object with `name` and `root`"])
    tenant, number = _number(company_ref, number_ref)
    scenario = scenarios.save_draft(scenarios.scenario_for(tenant, number, create=True), document)
    check = check_json(scenarios.check(tenant, scenario, scenario.draft, current_app.config))
    emit(as_json, {"draft": scenario.draft, "draft_updated_at": stamp(scenario.draft_updated_at), "check": check},
         "\n".join([f"draft saved for scenario {scenario.id}"] + _check_lines(check)))


@command.command("export")
@company_option
@NUMBER
@click.option("--version", "number", type=int, default=None, help="A published version (default: the draft).")
@with_appcontext
@reads_db
def export(company_ref, number_ref, number):
    """Print the draft (or a version's tree) as JSON."""
    scenario = _scenario(company_ref, number_ref)
    tree = scenarios.version(scenario, number).tree if number is not None else scenario.draft
    click.echo(json.dumps(tree, ensure_ascii=False, indent=2))


@company_command(command, "publish", NUMBER,
                 click.option("--note", default="", help="Why, as the version list shows it."))
def publish(company_ref, number_ref, note, as_json):
    """Compile the draft and make it the live version."""
    row = _published(lambda: scenarios.publish(_scenario(company_ref, number_ref), current_app.config, note=note))
    for warning in row.compiled_meta.get("warnings", []):
        click.echo(f"warning: {warning}", err=True)
    emit(as_json, version_json(row, row.id), f"published version {row.number}")


@company_command(command, "rollback", NUMBER,
                 click.option("--to", "to", type=int, required=True, help="Version number to go back to."))
def rollback(company_ref, number_ref, to, as_json):
    """Publish an earlier version's tree again (as a new version)."""
    row = _published(lambda: scenarios.rollback(_scenario(company_ref, number_ref), to, current_app.config))
    emit(as_json, version_json(row, row.id), f"published version {row.number} (the tree of version {to})")


def _check_lines(check: dict) -> list[str]:
    """A draft's check (pbx.representations.check_json) for people."""
    return ([f"blocks publishing: {p['node_id']}: {p['message']}" for p in check["errors"]]
            + [f"warning: {p['node_id']}: {p['message']}" for p in check["warnings"]]
            or ["the draft compiles without warnings"])


def _version_line(v: dict) -> str:
    return "\t".join([f"version {v['number']}{' (live)' if v['live'] else ''}", v["created_at"], v["created_by"],
                      v["note"]])


@company_command(command, "show", NUMBER, changes=False)
def show(company_ref, number_ref, as_json):
    """The scenario's versions (newest first, the live one marked) and what the check says of its draft."""
    tenant, number = _number(company_ref, number_ref)
    data = scenario_json(tenant, number, current_app.config)
    lines = [f"main number {number.number}: scenario {data['name'] or '(none)'}"]
    lines += [_version_line(v) for v in data["versions"]]
    if data["check"]:
        lines += [f"draft saved {data['draft_updated_at']}"] + _check_lines(data["check"])
    emit(as_json, data, "\n".join(lines))


@command.command("diff")
@company_option
@NUMBER
@click.argument("a", type=int)
@click.argument("b", type=int)
@with_appcontext
@reads_db
def diff(company_ref, number_ref, a, b):
    """What changed from version A to version B, node by node."""
    scenario = _scenario(company_ref, number_ref)
    lines = scenarios.diff(scenarios.version(scenario, a).tree, scenarios.version(scenario, b).tree)
    click.echo("\n".join(lines) if lines else "no changes")
