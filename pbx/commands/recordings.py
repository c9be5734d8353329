"""``centralka recordings ...``: retention, legal hold and GDPR erasure of recordings."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from pbx import recordings
from pbx.tenancy import NotFound, find_tenant

command = click.Group("recordings", help="Recordings: expiry, legal hold, erasure by caller.")


@command.command("expire")
@with_appcontext
def recordings_expire():
    """Delete recordings past their retention now (legal holds stay)."""
    retentions = recordings.apply_retention(current_app.config)
    deleted = recordings.expire(current_app.config)
    click.echo(f"lifecycle rules for {sorted(retentions)} days; deleted {deleted} recordings")


@command.command("forget-caller")
@click.option("--tenant", "tenant_ref", required=True, help="Company id or name.")
@click.option("--number", required=True, help="Caller number whose recordings to delete (GDPR).")
@with_appcontext
def recordings_forget(tenant_ref, number):
    """Delete every recording of a caller number; recordings under legal hold stay."""
    try:
        tenant = find_tenant(tenant_ref)
    except NotFound as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    result = recordings.forget_caller(tenant.id, number, current_app.config)
    click.echo(f"deleted {result['deleted']}; kept under legal hold: {result['kept_under_legal_hold']}")


@command.command("hold")
@click.option("--tenant", "tenant_ref", required=True)
@click.option("--recording", "recording_id", required=True, type=int)
@click.option("--release", is_flag=True, help="Lift the hold instead of setting it.")
@with_appcontext
def recordings_hold(tenant_ref, recording_id, release):
    """Put a recording under legal hold (never deleted) or lift the hold."""
    recording = recordings.set_legal_hold(find_tenant(tenant_ref).id, recording_id, not release,
                                          current_app.config)
    click.echo(recordings.describe(recording))
