"""The ``centralka`` command line, run as a real process against each database."""
import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import _postgres_database, BACKENDS

CLI = [str(Path(sys.executable).with_name("centralka"))]


@pytest.fixture(scope="module", params=BACKENDS)
def database(request, tmp_path_factory):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('cli') / 'cli.sqlite3'}"
    else:
        url, drop = _postgres_database()
        yield url
        drop()


@pytest.fixture(scope="module")
def run(database, tmp_path_factory):
    env = dict(os.environ, CENTRALKA_DATABASE_URL=database,
               CENTRALKA_INSTANCE=str(tmp_path_factory.mktemp("instance")), CENTRALKA_SHOW_LOGIN_CODES="0")

    def _run(*args):
        return subprocess.run(CLI + list(args), env=env, capture_output=True, text=True, timeout=60)

    assert _run("db", "upgrade").returncode == 0
    return _run


def _users(run):
    result = run("users", "export", "--tenant", "Firma ABC", "--csv")
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_migrations_go_down_to_empty_and_up_again(run):
    down = run("db", "downgrade", "base")
    assert down.returncode == 0, down.stderr
    assert "run `centralka db upgrade` first" in run("tenant", "list").stderr
    assert run("db", "upgrade").returncode == 0
    assert run("tenant", "list").returncode == 0


def test_demo_load_then_export(run):
    loaded = run("demo", "load", "--if-empty")
    assert loaded.returncode == 0, loaded.stderr
    assert "loaded Firma ABC" in loaded.stdout
    again = run("demo", "load", "--if-empty")
    assert "not loaded" in again.stdout
    rows = _users(run)
    assert len(rows) == 6
    assert {r["role"] for r in rows} == {"user", "admin"}
    assert any(r["last_name"] == "Wiśniewska" and r["phone"] == "+48503456789" for r in rows)


def test_bad_user_input_is_explained_and_changes_nothing(run):
    run("demo", "load", "--if-empty")
    before = _users(run)
    bad = run("user", "add", "--tenant", "Firma ABC", "--first-name", "Ewa", "--last-name", "Zając",
              "--email", "ewa@", "--phone", "50x", "--extension", "101")
    assert bad.returncode == 2
    assert "error: email:" in bad.stderr
    assert "error: phone:" in bad.stderr
    assert "error: extension: extension 101 is already used by a user" in bad.stderr
    assert _users(run) == before


def test_user_add_and_unknown_tenant(run):
    run("demo", "load", "--if-empty")
    added = run("user", "add", "--tenant", "Firma ABC", "--first-name", "Ewa", "--last-name", "Zając",
                "--email", "ewa@firma-abc.example", "--phone", "+48 600 700 800", "--extension", "107")
    assert added.returncode == 0, added.stderr
    assert any(r["email"] == "ewa@firma-abc.example" and r["extension"] == "107" for r in _users(run))
    missing = run("users", "export", "--tenant", "Nie Ma Takiej", "--csv")
    assert missing.returncode == 2 and "no company with id or name 'Nie Ma Takiej'" in missing.stderr


def test_tenant_create_validates(run):
    bad = run("tenant", "create", "--name", "Nowa", "--timezone", "Europe/Atlantis", "--main-number", "123")
    assert bad.returncode == 2
    assert "timezone" in bad.stderr
    listed = run("tenant", "list")
    assert "Nowa" not in listed.stdout
    good = run("tenant", "create", "--name", "Nowa", "--main-number", "22 300 00 00")
    assert good.returncode == 0, good.stderr
    assert "+48223000000" in run("tenant", "list").stdout
    clash = run("tenant", "create", "--name", "Inna", "--main-number", "+48223000000")
    assert clash.returncode == 2 and "already a main number" in clash.stderr
    assert "Inna" not in run("tenant", "list").stdout


def test_demo_scenario_is_published_and_served(run):
    run("demo", "load", "--if-empty")
    exported = run("scenario", "export", "--tenant", "Firma ABC", "--number", "+48221000000", "--version", "1")
    assert exported.returncode == 0, exported.stderr
    assert '"kind": "schedule"' in exported.stdout
