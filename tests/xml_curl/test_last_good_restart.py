"""A worker started while the database is away serves what any worker of the host served last."""
from __future__ import annotations

import os
import stat
import uuid

import pytest
from lxml import etree
from sqlalchemy import create_engine, text

from tests.conftest import BACKENDS, POSTGRES_ADMIN_URL
from tests.xml_curl.conftest import NOT_FOUND, captured_body, dispose, hunt, post, standalone_app, with_fields, xml

CALLCENTER = captured_body("xml_curl_configuration_callcenter.txt")
SIP_AUTH = captured_body("xml_curl_directory.txt")


def company_with_a_queue(application) -> tuple[int, int]:
    """The demo company (fallback number set, a longest-idle group): (tenant id, main number id)."""
    from flask_migrate import upgrade

    from pbx import directory
    from pbx.demo import load_demo
    from pbx.extensions import db

    with application.app_context():
        upgrade()
        tenant = load_demo()
        tenant.fallback_number = "+48501234567"
        directory.update_group(tenant, tenant.groups[0].id, {"ring_mode": "longest-idle"})
        db.session.commit()
        return tenant.id, tenant.main_numbers[0].id


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path):
    """A database URL with the company loaded, and a URL where no database answers."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'centralka.sqlite3'}", f"sqlite:///{tmp_path}/missing/centralka.sqlite3"
        return
    name = f"centralka_restart_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}", "postgresql://postgres@127.0.0.1:9/centralka"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_a_worker_started_during_an_outage_serves_the_last_good_replies(database, tmp_path):
    url, dead = database
    last_good = tmp_path / "instance" / "last-good.sqlite3"
    first = standalone_app(url, last_good)
    tenant_id, number_id = company_with_a_queue(first)
    client = first.test_client()
    served = {"tenant": post(client, hunt(f"tenant_{tenant_id}", "101")).data,
              "public": post(client, hunt("public", "+48221000000")).data,
              "callcenter": post(client, CALLCENTER).data}
    assert f"main_{number_id} XML tenant_{tenant_id}".encode() in served["public"]
    assert xml(post(client, CALLCENTER)).xpath("//queue/@name") == [f"t{tenant_id}_g{_group(first)}@default"]
    first.extensions["xml_curl"].sections["dialplan"].settled()
    dispose(first)

    fresh = standalone_app(dead, last_good)  # restarted while the database is away
    try:
        again = fresh.test_client()
        assert post(again, hunt(f"tenant_{tenant_id}", "101")).data == served["tenant"]
        # A destination not asked before the restart is cut from the company's stored context.
        entry = xml(post(again, hunt(f"tenant_{tenant_id}", f"main_{number_id}")))
        assert entry.xpath("//extension/@name") == [f"main_{number_id}"]
        assert post(again, hunt("public", "48221000000")).data == served["public"]
        assert post(again, CALLCENTER).data == served["callcenter"] != NOT_FOUND
        # Not kept on disk: directory replies carry SIP passwords.
        user = with_fields(SIP_AUTH, {"domain": f"t{tenant_id}.pbx.local", "user": "101"})
        assert post(again, user).data == NOT_FOUND
        # A company never served before still gets the apology, with the fallback number it is known by.
        unknown = xml(post(again, hunt("tenant_424242", "101")))
        assert unknown.xpath("//action/@application") == ["export", "answer", "playback", "hangup"]
    finally:
        dispose(fresh)
    assert stat.S_IMODE(os.stat(last_good).st_mode) == 0o600


def test_the_apology_of_a_restarted_worker_knows_the_company(database, tmp_path):
    """Only the main number's entry was served: the tenant hunt gets the apology with its fallback number."""
    url, dead = database
    last_good = tmp_path / "last-good.sqlite3"
    first = standalone_app(url, last_good)
    tenant_id, _ = company_with_a_queue(first)
    post(first.test_client(), hunt("public", "+48221000000"))
    dispose(first)
    fresh = standalone_app(dead, last_good)
    try:
        apology = xml(post(fresh.test_client(), hunt(f"tenant_{tenant_id}", "101")))
        assert "sofia/gateway/carrier/48501234567" in apology.xpath("//action/@data")
    finally:
        dispose(fresh)


def _group(application) -> int:
    from pbx import models
    from pbx.extensions import db

    with application.app_context():
        return db.session.query(models.Group.id).filter_by(ring_mode="longest-idle").scalar()


def test_a_fresh_worker_reuses_a_document_another_worker_compiled(database, tmp_path, monkeypatch):
    from xml_curl import dialplan

    url, _ = database
    last_good = tmp_path / "last-good.sqlite3"
    first = standalone_app(url, last_good)
    tenant_id, _ = company_with_a_queue(first)
    served = post(first.test_client(), hunt(f"tenant_{tenant_id}", "101")).data
    builds = []
    real = dialplan._tenant_build
    monkeypatch.setattr(dialplan, "_tenant_build", lambda tid, config: builds.append(tid) or real(tid, config))
    second = standalone_app(url, last_good)
    try:
        assert post(second.test_client(), hunt(f"tenant_{tenant_id}", "101")).data == served
        assert builds == []
        assert etree.fromstring(served).xpath("//context/@name") == [f"tenant_{tenant_id}"]
    finally:
        dispose(first)
        dispose(second)
