"""Shared fixtures: the app on SQLite and on PostgreSQL, a clean database per test."""
from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

from flask import current_app
import pytest
from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "freeswitch"
POSTGRES_ADMIN_URL = os.environ.get("CENTRALKA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = [b for b in os.environ.get("CENTRALKA_TEST_BACKENDS", "sqlite,postgresql").split(",") if b]
# Secrets generated for test apps (instance/secret-key, switch-credentials) stay out of the checkout.
os.environ.setdefault("CENTRALKA_INSTANCE", tempfile.mkdtemp(prefix="centralka-test-instance-"))
# The switch endpoint's credentials of every test app; xml_curl tests ask with them (tests/xml_curl/conftest.py).
SWITCH_AUTH = {"XML_CURL_USER": "freeswitch", "XML_CURL_PASSWORD": "test-switch-password"}


def _postgres_database():
    """A throw-away database on the local server; dropped at the end of the run."""
    name = f"centralka_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{name}", lambda: _drop(admin, name)


def _drop(admin, name):
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def app(request, tmp_path_factory):
    """The application, migrated from empty with Alembic, on each database backend."""
    from flask_migrate import upgrade

    from pbx.app import create_app

    cleanup = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'centralka.sqlite3'}"
    else:
        url, cleanup = _postgres_database()
    instance = tmp_path_factory.mktemp("instance")
    application = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test",
        "STORAGE_DIR": str(instance / "storage"), "SHOW_LOGIN_CODES": False,
        "TASK_QUEUE_URL": "memory", "SWITCH_SYNC_ON_COMMIT": False, **SWITCH_AUTH,
        "XML_CURL_LAST_GOOD_PATH": str(instance / "last-good.sqlite3"),
    })
    application.config["BACKEND"] = request.param
    with application.app_context():
        upgrade()
    yield application
    if cleanup:
        from pbx.extensions import db

        with application.app_context():
            db.engine.dispose()
        cleanup()


@pytest.fixture
def ctx(app):
    """An app context with an empty database, emptied again afterwards; settings a test changes are put back."""
    from pbx.extensions import db

    settings = dict(app.config)
    with app.app_context():
        yield app
        db.session.remove()
        _empty_tables(db)
    app.config.clear()
    app.config.update(settings)


def _empty_tables(db):
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def client(ctx):
    return ctx.test_client()


@pytest.fixture
def demo(ctx):
    """Firma ABC, loaded exactly as ``centralka demo load`` does."""
    from pbx.demo import load_demo
    from pbx.extensions import db

    tenant = load_demo()
    db.session.commit()
    return tenant


@pytest.fixture
def published(demo):
    """Firma ABC with its scenario published as version 1."""
    from pbx import scenarios
    from pbx.extensions import db

    scenario = demo.main_numbers[0].scenario
    scenarios.publish(scenario, current_app.config)
    db.session.commit()
    return scenario


def sign_in(client, user) -> None:
    """Sign the test client in as ``user`` (an admin) through the one-time-code flow.

    The client then sends the session's CSRF token with every request, as the panel does.
    """
    from pbx import auth

    with client.application.test_request_context():
        code = auth.request_code(user.email, current_app.config)
    response = client.post("/api/auth/verify", json={"email": user.email, "code": code})
    assert response.status_code == 200, response.get_json()
    client.environ_base["HTTP_X_CSRF_TOKEN"] = response.get_json()["csrf_token"]


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def testowa(ctx):
    """Testowa sp. z o.o.: users, every ring mode, prompts, a box and number lists (tests/acceptance)."""
    from tests.support.acceptance import build_company

    return build_company()


# Admins of the demo company at each level, and a second company that must stay invisible.

@pytest.fixture
def owner(demo):
    return demo.users[0]  # Anna Kowalska, level 3


@pytest.fixture
def editor(demo):
    return demo.users[5]  # Michał Lewandowski, level 2


@pytest.fixture
def viewer(demo):
    from pbx import directory
    from pbx.extensions import db

    user = directory.add_user(demo, {"first_name": "Wiktor", "last_name": "Widz", "email": "wiktor@firma-abc.example",
                                     "admin_level": 1, "extension": "150"})
    db.session.commit()
    return user


@pytest.fixture
def stranger(demo):
    """The owner of another company, with a number of its own."""
    from pbx import directory
    from pbx.extensions import db

    other = directory.create_tenant({"name": "Konkurencja"})
    admin = directory.add_user(other, {"first_name": "Olga", "last_name": "Obca", "email": "olga@obca.example",
                                       "admin_level": 3, "role": "admin", "extension": "101"})
    directory.add_main_number(other, {"number": "+48223330000"})
    db.session.commit()
    return admin


@pytest.fixture
def as_owner(client, owner):
    sign_in(client, owner)
    return client


@pytest.fixture
def as_editor(client, editor):
    sign_in(client, editor)
    return client


@pytest.fixture
def as_viewer(client, viewer):
    sign_in(client, viewer)
    return client


@pytest.fixture
def as_stranger(client, stranger):
    sign_in(client, stranger)
    return client


@pytest.fixture
def task_queue(ctx, tmp_path):
    """huey on an SQLite file (as in production), run in-process by ``tasks.run_pending``."""
    from pbx import tasks

    tasks.bind(ctx)
    tasks.configure(f"sqlite:///{tmp_path / 'tasks.sqlite3'}", str(tmp_path))
    yield tasks
    tasks.configure("memory", str(tmp_path))


@pytest.fixture
def smtp(ctx):
    """An SMTP server on loopback; the app sends voicemail and sign-in codes through it."""
    from tests.support.services import SmtpSink

    sink = SmtpSink().start()
    ctx.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port)
    yield sink
    sink.stop()



@pytest.fixture
def reported_calls(demo):
    """Firma ABC's calls around the autumn clock change, for the reports (tests/support/reports.py)."""
    from pbx.extensions import db
    from tests.support.reports import add_reported_calls

    add_reported_calls(demo)
    db.session.commit()
    return demo
