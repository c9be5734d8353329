"""Fixtures for the xml_curl endpoint: captured FreeSWITCH bodies, a stand-in compiler, extra apps."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree

FORM = "application/x-www-form-urlencoded"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "freeswitch"
NOT_FOUND = (FIXTURES / "xml_curl_not_found_response.xml").read_bytes().strip()


class SwitchClient(FlaskClient):
    """Asks /xml_curl as our FreeSWITCH does: with the app's switch credentials, unless a test gives its own."""

    def open(self, *args, **kwargs):
        if "auth" not in kwargs and "Authorization" not in (kwargs.get("headers") or {}):
            config = self.application.config
            kwargs["auth"] = (config["XML_CURL_USER"], config["XML_CURL_PASSWORD"])
        return super().open(*args, **kwargs)


@pytest.fixture(autouse=True)
def switch_clients(monkeypatch):
    monkeypatch.setattr(Flask, "test_client_class", SwitchClient)


def captured_requests(name: str) -> list[tuple[bytes, dict[str, str]]]:
    """Every request in a capture file: (raw body, decoded fields in order)."""
    text = (FIXTURES / name).read_bytes()
    found = []
    for part in text.split(b"--- RAW BODY")[1:]:
        body = part.split(b"\n", 2)[1]
        decoded = part.split(b"--- DECODED", 1)[1].split(b"\n", 1)[1]
        fields = {}
        for line in decoded.decode().split("\n"):
            if line.startswith("=====") or "=" not in line:
                break
            key, _, value = line.partition("=")
            fields.setdefault(key, value)
        found.append((body, fields))
    return found


def captured_body(name: str) -> bytes:
    return captured_requests(name)[0][0]


def with_fields(body: bytes, changes: dict[str, str]) -> bytes:
    """A captured body with some fields' values replaced."""
    from urllib.parse import quote_plus

    for name, value in changes.items():
        body, count = re.subn(rb"(^|&)" + re.escape(name.encode()) + rb"=[^&]*",
                              lambda m: m.group(1) + name.encode() + b"=" + quote_plus(value).encode(), body)
        assert count, f"{name} not in body"
    return body


def hunt(context: str, destination: str) -> bytes:
    """A captured dialplan hunt, asked for ``destination`` in ``context``."""
    return with_fields(captured_body("xml_curl_dialplan_transfer_menu_1.txt"),
                       {"Hunt-Context": context, "Hunt-Destination-Number": destination})


def standalone_app(url: str, last_good):
    """A fresh app, as one worker process of the host: its own database URL, the host's last good store."""
    from pbx.app import create_app

    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test",
                       "SHOW_LOGIN_CODES": False, "TASK_QUEUE_URL": "memory", "XML_CURL_BUDGET_MS": 500,
                       "SWITCH_SYNC_ON_COMMIT": False, "XML_CURL_LAST_GOOD_PATH": str(last_good)})


def xml(response) -> etree._Element:
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/xml"
    return etree.fromstring(response.data)


def is_not_found(response) -> bool:
    return response.status_code == 200 and response.data == NOT_FOUND


class FakeCompiler:
    """Stands in for pbx.compiler: documents that show which database state they came from."""

    def __init__(self):
        self.compiled: list[tuple] = []
        self.delay = 0.0
        self.fail = False
        self.queues: dict[int, list[dict]] = {}  # per company
        self.names: dict[str, str] = {}  # the callers named beside every main number's entry

    def _revision(self, kind: str, tenant_id: int) -> int:
        from pbx import models
        from pbx.extensions import db

        time.sleep(self.delay)
        if self.fail:
            raise RuntimeError("compiler bug")
        revision = db.session.get(models.Tenant, tenant_id).dialplan_revision
        self.compiled.append((kind, tenant_id, revision))
        return revision

    def tenant_build(self, tenant_id: int, _config):
        from pbx.compiler import TenantBuild

        revision = self._revision("tenant", tenant_id)
        return TenantBuild(
            (f'<document type="freeswitch/xml"><section name="dialplan"><context name="tenant_{tenant_id}">'
             f'<extension name="rev_{revision}"/></context></section></document>').encode(),
            list(self.queues.get(tenant_id, [])), [None])

    def tenant_queues(self, tenant_id: int, _config) -> list[dict]:
        self._revision("queues", tenant_id)
        return list(self.queues.get(tenant_id, []))

    def public_entry(self, tenant_id: int, main_number_id: int, context: str = "public"):
        from pbx.compiler import Entry

        self.compiled.append(("entry", main_number_id))
        return Entry(f'<document type="freeswitch/xml"><section name="dialplan"><context name="{context}">'
                     f'<extension name="entry"><condition field="destination_number" expression="^.*$">'
                     f'<action application="transfer" data="main_{main_number_id} XML tenant_{tenant_id}"/>'
                     f'</condition></extension></context></section></document>'.encode(), dict(self.names))


@pytest.fixture
def compiler(monkeypatch, request) -> FakeCompiler:
    """Replace the scenario compiler behind the endpoint (for tests of the endpoint alone)."""
    from xml_curl import dialplan

    fake = FakeCompiler()
    monkeypatch.setattr(dialplan, "_tenant_build", fake.tenant_build)
    monkeypatch.setattr(dialplan, "_tenant_queues", fake.tenant_queues)
    monkeypatch.setattr(dialplan, "_public_entry", fake.public_entry)
    if "app" in request.fixturenames:
        # The session's app may hold a callcenter.conf built from another test's fake queues.
        shared = request.getfixturevalue("app").extensions["xml_curl"].sections["configuration"]
        monkeypatch.setattr(shared, "_assembled_for", None)
    return fake


@pytest.fixture
def make_app(app):
    """Another app (another worker process' view) on the same database, with config overrides."""
    from pbx.app import create_app

    made = []

    def make(**overrides):
        config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                  "XML_CURL_USER": app.config["XML_CURL_USER"], "XML_CURL_PASSWORD": app.config["XML_CURL_PASSWORD"],
                  "SECRET_KEY": "test", "SHOW_LOGIN_CODES": False, "TASK_QUEUE_URL": "memory", "SWITCH_SYNC_ON_COMMIT": False,
                  "STORAGE_DIR": app.config["STORAGE_DIR"],
                  "XML_CURL_LAST_GOOD_PATH": app.config["XML_CURL_LAST_GOOD_PATH"], **overrides}
        other = create_app(config)
        made.append(other)
        return other

    yield make
    for other in made:
        dispose(other)


def dispose(application) -> None:
    from pbx.extensions import db

    with application.app_context():
        db.engine.dispose()
    store_of(application).close()


def post(client, body: bytes, **kwargs):
    return client.post("/xml_curl", data=body, content_type=FORM, **kwargs)


# On PostgreSQL a worker learns of a commit from its announcement, which arrives just after it.
ANNOUNCED_WITHIN_SECONDS = 1.0


def served_after_commit(client, body: bytes, accept) -> bytes:
    """The first reply ``accept`` takes, asking again for up to ANNOUNCED_WITHIN_SECONDS."""
    deadline = time.monotonic() + ANNOUNCED_WITHIN_SECONDS
    while True:
        reply = post(client, body).data
        if accept(reply) or time.monotonic() > deadline:
            return reply
        time.sleep(0.002)


def store_of(application):
    return application.extensions["xml_curl"].sections["dialplan"].store


@pytest.fixture
def queries(monkeypatch):
    """Counts the queries an app's endpoint sends: ``queries(app)`` starts counting, returns the list."""
    def count(application) -> list:
        store, sent = store_of(application), []
        real = store._row

        def counting(query, *values):
            sent.append(query)
            return real(query, *values)

        monkeypatch.setattr(store, "_row", counting)
        return sent

    return count
