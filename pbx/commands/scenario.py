"""`centralka scenario …`: import, export, publish, roll back and diff the scenario of a main number."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext
from marshmallow import ValidationError
from sqlalchemy import select

from pbx import models, scenarios
from pbx.commands import changes_db
from pbx.compiler import ScenarioInvalid
from pbx.extensions import db
from pbx.tenancy import NotFound, find_tenant
from schemas.fields import normalise_phone


@click.group("scenario")
def command():
    """Scenario trees of main numbers: drafts, versions, diffs."""


def _fail(lines) -> None:
    db.session.rollback()
    for line in lines:
        click.echo(f"error: {line}", err=True)
    sys.exit(2)


def _scenario(tenant_ref: str, number_ref: str, *, create: bool = False) -> models.Scenario:
    tenant = find_tenant(tenant_ref)
    query = select(models.MainNumber).where(models.MainNumber.tenant_id == tenant.id)
    if number_ref.strip().isdigit() and len(number_ref.strip()) < 9:
        number = db.session.scalar(query.where(models.MainNumber.id == int(number_ref)))
    else:
        try:
            number = db.session.scalar(query.where(models.MainNumber.number == normalise_phone(number_ref)))
        except ValidationError:
            number = None
    if number is None:
        raise NotFound(f"{number_ref!r} is not a main number of {tenant.name}")
    return scenarios.scenario_for(tenant, number, create=create)


def _published(action):
    """Report compile errors node by node; exit 2 with nothing changed."""
    try:
        return action()
    except ScenarioInvalid as error:
        _fail(str(p) for p in error.errors)


@command.command("import")
@click.option("--tenant", "tenant_ref", required=True, help="Company id or name.")
@click.option("--number", "number_ref", required=True, help="Main number (E.164) or its id.")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@with_appcontext
@changes_db
def import_(tenant_ref, number_ref, file):
    """Save FILE (scenario JSON) as the draft."""
    try:
        document = json.load(file)
    except ValueError as error:
        _fail([f"{file.name} is not JSON: {error}"])
    if not isinstance(document, dict):
        _fail([f"{file.name}: a scenario is a JSON object with `name` and `root`"])
    scenario = scenarios.save_draft(_scenario(tenant_ref, number_ref, create=True), document)
    click.echo(f"draft saved for scenario {scenario.id}")


@command.command("export")
@click.option("--tenant", "tenant_ref", required=True)
@click.option("--number", "number_ref", required=True)
@click.option("--version", "number", type=int, default=None, help="A published version (default: the draft).")
@with_appcontext
def export(tenant_ref, number_ref, number):
    """Print the draft (or a version's tree) as JSON."""
    try:
        scenario = _scenario(tenant_ref, number_ref)
        tree = scenarios.version(scenario, number).tree if number is not None else scenario.draft
    except NotFound as error:
        _fail([str(error)])
    click.echo(json.dumps(tree, ensure_ascii=False, indent=2))


@command.command("publish")
@click.option("--tenant", "tenant_ref", required=True)
@click.option("--number", "number_ref", required=True)
@with_appcontext
@changes_db
def publish(tenant_ref, number_ref):
    """Compile the draft and make it the live version."""
    row = _published(lambda: scenarios.publish(_scenario(tenant_ref, number_ref)))
    for warning in row.compiled_meta.get("warnings", []):
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"published version {row.number}")


@command.command("rollback")
@click.option("--tenant", "tenant_ref", required=True)
@click.option("--number", "number_ref", required=True)
@click.option("--to", "to", type=int, required=True, help="Version number to go back to.")
@with_appcontext
@changes_db
def rollback(tenant_ref, number_ref, to):
    """Publish an earlier version's tree again (as a new version)."""
    row = _published(lambda: scenarios.rollback(_scenario(tenant_ref, number_ref), to))
    click.echo(f"published version {row.number} (the tree of version {to})")


@command.command("diff")
@click.option("--tenant", "tenant_ref", required=True)
@click.option("--number", "number_ref", required=True)
@click.argument("a", type=int)
@click.argument("b", type=int)
@with_appcontext
def diff(tenant_ref, number_ref, a, b):
    """What changed from version A to version B, node by node."""
    try:
        scenario = _scenario(tenant_ref, number_ref)
        lines = scenarios.diff(scenarios.version(scenario, a).tree, scenarios.version(scenario, b).tree)
    except NotFound as error:
        _fail([str(error)])
    click.echo("\n".join(lines) if lines else "no changes")
