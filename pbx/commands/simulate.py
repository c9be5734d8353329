"""``centralka simulate``: a test call through the published (or draft) dialplan, before going live."""
from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from pbx import models
from pbx.compiler import ScenarioInvalid
from pbx.extensions import db
from pbx.messages import Message
from pbx.simulator import SimulationError, UnsupportedApplication, UnsupportedDialplan
from pbx.tenancy import NotFound, find_tenant
from pbx.testcall import (SOUNDS_DIR, SPEECH, TALK, TestCallInputError, check_folder, parse_at, parse_busy_until,
                          parse_seconds, parse_transfers, phone_or_none, test_call)


def tenant_of(tenant_ref: str | None, number: str) -> models.Tenant:
    """The company named, else the one owning the main number."""
    if tenant_ref:
        return find_tenant(tenant_ref)
    main = phone_or_none(number or "")
    found = db.session.scalar(select(models.MainNumber).where(models.MainNumber.number == main)) if main else None
    if found is None:
        raise TestCallInputError(Message("testcall.tenant_needed", value=number), "number")
    return db.session.get(models.Tenant, found.tenant_id)


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


@click.command("simulate")
@click.option("--tenant", "tenant_ref", default=None, help="Company id or name (default: the number's company).")
@click.option("--number", required=True, help="Main number called, or what a desk phone dials (102, *666…).")
@click.option("--from", "caller", required=True, help="Caller's phone number, or a user (name / extension).")
@click.option("--at", "at_text", required=True, help="2026-12-24T14:00, in the company's zone unless an offset is given.")
@click.option("--keys", default="", help="Keys: 1,101 (each at the next menu) or 2s:1 (2 s after the start).")
@click.option("--answer", multiple=True, help="Who answers (name, extension, phone or group). Repeatable.")
@click.option("--no-answer", "no_answer", multiple=True, help="Who rings without answering (the default).")
@click.option("--busy", multiple=True, help="Who is busy.")
@click.option("--unreachable", multiple=True, help="Whose phone is off or unregistered.")
@click.option("--busy-until", "busy_until", multiple=True, metavar="NAME=40s",
              help="Busy until that many seconds after the call starts, answering when rung after. Repeatable.")
@click.option("--waiting", multiple=True, metavar="20s",
              help="Another caller already waiting that long in the queue when this call joins it. Repeatable.")
@click.option("--transfer", "transfers", multiple=True, metavar="30s:*1103",
              help="Whoever answered transfers the call: keys (a transfer code and a number) or refer:103 "
                   "(a SIP phone's transfer key), seconds after the start. Repeatable.")
@click.option("--record", "record_presses", multiple=True, metavar="30s",
              help="Whoever answered presses the company's record code (start, then stop...), seconds after "
                   "the start. Repeatable.")
@click.option("--talk", default=str(TALK), show_default=True, help="Seconds a person who answers talks.")
@click.option("--speech", default=str(SPEECH), show_default=True, help="Seconds the caller speaks into voicemail.")
@click.option("--hangup-after", type=float, default=None, help="The caller hangs up after this many seconds.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random ringing and call ids follow it.")
@click.option("--switch-timezone", default="UTC", show_default=True, help="The FreeSWITCH server's own zone.")
@click.option("--sounds-dir", default=SOUNDS_DIR, show_default=True, help="The switch's $${sounds_dir}.")
@click.option("--recordings-dir", default=None, help="The switch's $${recordings_dir} (default: RECORDINGS_DIR).")
@click.option("--draft", is_flag=True, help="Play the scenario's draft instead of the published version.")
@click.option("--json", "as_json", is_flag=True, help="Path, steps and every application, as JSON.")
@with_appcontext
def command(tenant_ref, number, caller, at_text, keys, answer, no_answer, busy, unreachable, busy_until, waiting, transfers,
            record_presses, talk, speech, hangup_after, seed, switch_timezone, sounds_dir, recordings_dir, draft, as_json):
    """Play a call and show the path it takes; nothing is stored."""
    try:
        tenant = tenant_of(tenant_ref, number)
        call = test_call(tenant, number, caller, parse_at(at_text, tenant.timezone), keys,
                         app=current_app._get_current_object(), answer=answer,
                         no_answer=no_answer, busy=busy, unreachable=unreachable,
                         busy_until=parse_busy_until(busy_until), waiting=[parse_seconds("waiting", w) for w in waiting],
                         phone_transfers=parse_transfers(transfers),
                         record_presses=[parse_seconds("record", at) for at in record_presses],
                         talk=parse_seconds("talk", talk), speech=parse_seconds("speech", speech), draft=draft,
                         hangup_after=hangup_after, seed=seed, switch_timezone=switch_timezone,
                         sounds_dir=check_folder("sounds_dir", sounds_dir),
                         recordings_dir=recordings_dir and check_folder("recordings_dir", recordings_dir))
    except (TestCallInputError, NotFound) as error:
        fail(str(error))
    except ScenarioInvalid as error:
        fail("the draft does not compile: " + "; ".join(str(p) for p in error.errors))
    except (UnsupportedDialplan, UnsupportedApplication, SimulationError) as error:
        fail(f"the dialplan cannot be simulated: {type(error).__name__}: {error}")
    click.echo(json.dumps(call.to_dict(), ensure_ascii=False, indent=2) if as_json else call.trace())
