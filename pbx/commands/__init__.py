"""CLI command groups, one module per area; each exposes ``command`` (``pbx.cli`` adds them)."""
from __future__ import annotations

import functools
import os
import sys

import click
from marshmallow import ValidationError

from pbx.audit import acting_as
from pbx.extensions import db
from pbx.tenancy import NotFound


def _format_errors(messages, prefix="") -> list[str]:
    if isinstance(messages, dict):
        lines = []
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            lines.extend(_format_errors(value, name))
        return lines
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [f"{prefix}: {m}" if prefix else m for m in messages]
    if isinstance(messages, list):
        return [line for m in messages for line in _format_errors(m, prefix)]
    return [f"{prefix}: {messages}" if prefix else str(messages)]


def _refusing_bad_input(command, *, commit: bool):
    """On bad input print every problem, roll back and exit 2; commit on success when asked."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            with acting_as(f"cli:{os.environ.get('USER', 'admin')}"):
                result = command(*args, **kwargs)
                if commit:
                    db.session.commit()
            return result
        except ValidationError as error:
            db.session.rollback()
            for line in _format_errors(error.messages):
                click.echo(f"error: {line}", err=True)
            sys.exit(2)
        except NotFound as error:
            db.session.rollback()
            click.echo(f"error: {error}", err=True)
            sys.exit(2)

    return wrapper


def changes_db(command):
    """A command that changes the company: audited as the CLI, committed only when all went well."""
    return _refusing_bad_input(command, commit=True)


def reads_db(command):
    """A command that only reads: bad input is refused the same way."""
    return _refusing_bad_input(command, commit=False)
