"""``centralka schedule``: what the schedules of a main number decide, over a date range."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from pbx.commands.simulate import fail, tenant_of
from pbx.compiler import ScenarioInvalid
from pbx.schedule_preview import as_text, parse_day, parse_step, preview
from pbx.tenancy import NotFound
from pbx.testcall import TestCallInputError


@click.group("schedule")
def command():
    """Schedules of scenarios."""


@command.command("preview")
@click.option("--tenant", "tenant_ref", default=None, help="Company id or name (default: the number's company).")
@click.option("--number", required=True, help="Main number whose scenario to preview.")
@click.option("--from", "start", required=True, help="First day (2026-12-20) or a date-time.")
@click.option("--to", "end", required=True, help="Last day, included (2026-12-27), or a date-time.")
@click.option("--step", default="30m", show_default=True, help="Probe every 30m / 1h / 90s; changes are exact.")
@click.option("--switch-timezone", default="UTC", show_default=True, help="The FreeSWITCH server's own zone.")
@click.option("--draft", is_flag=True, help="Preview the draft instead of the published version.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def preview_command(tenant_ref, number, start, end, step, switch_timezone, draft, as_json):
    """Which branch (open / closed) each schedule node takes, interval by interval."""
    try:
        tenant = tenant_of(tenant_ref, number)
        found = preview(tenant, number, parse_day(start, tenant.timezone), parse_day(end, tenant.timezone, end=True),
                        parse_step(step), app=current_app._get_current_object(), draft=draft,
                        switch_timezone=switch_timezone)
    except (TestCallInputError, NotFound) as error:
        fail(str(error))
    except ScenarioInvalid as error:
        fail("the draft does not compile: " + "; ".join(str(p) for p in error.errors))
    click.echo(json.dumps(found, ensure_ascii=False, indent=2) if as_json else as_text(found))
