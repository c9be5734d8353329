"""A database that is really gone: the endpoint still answers 200, from memory or with the apology."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import POSTGRES_ADMIN_URL
from tests.xml_curl.conftest import (NOT_FOUND, captured_body, dispose, hunt, is_not_found, post, standalone_app,
                                     with_fields, xml)

SIP_AUTH = captured_body("xml_curl_directory.txt")
CALLCENTER = captured_body("xml_curl_configuration_callcenter.txt")


def load_company(application) -> tuple[int, int]:
    """Migrate, load the demo company with a fallback number; returns (tenant id, main number id)."""
    from flask_migrate import upgrade

    from pbx.demo import load_demo
    from pbx.extensions import db

    with application.app_context():
        upgrade()
        tenant = load_demo()
        tenant.fallback_number = "+48501234567"
        db.session.commit()
        return tenant.id, tenant.main_numbers[0].id


@pytest.fixture
def postgres_company(compiler, tmp_path):
    """The demo company in its own PostgreSQL database, and a way to drop that database."""
    name = f"centralka_outage_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    application = standalone_app(f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}", tmp_path / "last-good.sqlite3")
    tenant_id, number_id = load_company(application)
    yield application, tenant_id, number_id, drop
    dispose(application)
    drop()
    admin.dispose()


def test_dropped_postgres_database_serves_the_last_good_documents(postgres_company):
    application, tenant_id, number_id, drop = postgres_company
    client = application.test_client()
    served = {
        "tenant": post(client, hunt(f"tenant_{tenant_id}", "101")).data,
        "public": post(client, hunt("public", "+48221000000")).data,
        "user": post(client, with_fields(SIP_AUTH, {"domain": f"t{tenant_id}.pbx.local", "user": "101"})).data,
        "callcenter": post(client, CALLCENTER).data,
    }
    assert f"main_{number_id} XML tenant_{tenant_id}".encode() in served["public"]
    drop()  # terminates every connection, including the endpoint's
    assert post(client, hunt(f"tenant_{tenant_id}", "101")).data == served["tenant"]
    assert post(client, hunt("public", "48221000000")).data == served["public"]
    user = post(client, with_fields(SIP_AUTH, {"domain": f"t{tenant_id}.pbx.local", "user": "101"}))
    assert user.status_code == 200 and user.data == served["user"]
    assert post(client, CALLCENTER).data == served["callcenter"] != NOT_FOUND


def test_dropped_database_without_history_answers_with_the_fallback_number(postgres_company):
    application, tenant_id, _, drop = postgres_company
    client = application.test_client()
    post(client, hunt(f"tenant_{tenant_id}", "101"))  # remembers the tenant's fallback number
    doc_before = post(client, hunt("public", "+48221000000"))
    assert doc_before.status_code == 200
    drop()
    unknown_tenant = xml(post(client, hunt("tenant_424242", "101")))
    assert unknown_tenant.xpath("//action/@application") == ["export", "answer", "playback", "hangup"]
    unknown_number = xml(post(client, hunt("public", "+48227777777")))
    assert unknown_number.xpath("//context/@name") == ["public"]
    assert unknown_number.xpath("//action/@application") == ["answer", "playback", "hangup"]


def test_postgres_that_is_not_listening(compiler, tmp_path):
    application = standalone_app("postgresql://postgres@127.0.0.1:9/centralka", tmp_path / "last-good.sqlite3")
    client = application.test_client()
    try:
        doc = xml(post(client, hunt("tenant_7", "101")))
        assert doc.xpath("//context/@name") == ["tenant_7"]
        assert doc.xpath("//action/@application") == ["export", "answer", "playback", "hangup"]
        assert doc.xpath("//action[@application='playback']/@data") == [
            "${sounds_dir}/centralka/common/pl/apology.wav"]  # language unknown: Polish
        assert is_not_found(post(client, hunt("default", "101")))
        assert is_not_found(post(client, with_fields(SIP_AUTH, {"domain": "t7.pbx.local", "user": "101"})))
    finally:
        dispose(application)


def test_sqlite_file_overwritten_with_garbage(tmp_path, compiler):
    path = tmp_path / "centralka.sqlite3"
    application = standalone_app(f"sqlite:///{path}", tmp_path / "last-good.sqlite3")
    tenant_id, _ = load_company(application)
    client = application.test_client()
    try:
        good = post(client, hunt(f"tenant_{tenant_id}", "101")).data
        path.write_bytes(b"this is not a database" * 4096)
        assert post(client, hunt(f"tenant_{tenant_id}", "101")).data == good
        fallback = xml(post(client, hunt("public", "+48221000000")))
        assert "sofia/gateway/carrier/48501234567" not in fallback.xpath("//action/@data")  # number not seen yet
        assert fallback.xpath("//action/@application") == ["answer", "playback", "hangup"]
    finally:
        dispose(application)


def test_sqlite_file_that_cannot_be_opened(tmp_path, compiler):
    application = standalone_app(f"sqlite:///{tmp_path}/missing/dir/centralka.sqlite3",
                                 tmp_path / "last-good.sqlite3")
    try:
        doc = xml(post(application.test_client(), hunt("tenant_3", "101")))
        assert doc.xpath("//action/@application") == ["export", "answer", "playback", "hangup"]
    finally:
        dispose(application)
