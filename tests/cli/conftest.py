"""Running ``centralka`` commands against the test app, as an operator named ``ops``."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from pbx import models
from pbx.cli import main
from pbx.extensions import db


class Cli:
    def __init__(self, app):
        self.app = app

    def run(self, *args: str, status: int = 0):
        result = self.app.test_cli_runner().invoke(main, [str(a) for a in args])
        assert result.exit_code == status, (args, result.output, result.exception)
        return result

    def json(self, *args: str):
        return json.loads(self.run(*args, "--json").stdout)

    def refused(self, *args: str) -> str:
        """The error lines of a refused command, which must leave every row and the audit log as they were."""
        before = stored()
        result = self.run(*args, status=2)
        db.session.rollback()
        assert stored() == before
        assert result.stdout == ""
        return result.stderr


def stored() -> dict:
    """How many rows each configuration table holds, the audit log included."""
    tables = (models.Tenant, models.User, models.Group, models.GroupMember, models.VoicemailBox, models.NumberList,
              models.MainNumber, models.Announcement, models.Scenario, models.ScenarioVersion, models.AuditLogEntry)
    return {t.__name__: db.session.scalar(select(func.count()).select_from(t)) for t in tables}


@pytest.fixture
def cli(ctx, monkeypatch):
    monkeypatch.setenv("USER", "ops")
    return Cli(ctx)


@pytest.fixture
def company(cli):
    """An empty company with its primary number, made through the CLI."""
    cli.run("tenant", "create", "--name", "Kancelaria Nowak", "--main-number", "+48 22 123 45 67")
    return db.session.scalar(select(models.Tenant).where(models.Tenant.name == "Kancelaria Nowak"))
