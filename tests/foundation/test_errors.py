"""Clear errors: 503 while the database is away (logged once per outage), 4xx for bad input."""
from __future__ import annotations

import logging
import sqlite3

import pytest

from pbx.app import create_app
from pbx.extensions import db
from tests.conftest import sign_in
from tests.support.services import TcpProxy, free_port
from webadmin import sessions

PL = {"Accept-Language": "pl"}


def _app(url, tmp_path):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test", "TASK_QUEUE_URL": "memory",
                       "STORAGE_DIR": str(tmp_path / "storage"), "SWITCH_SYNC_ON_COMMIT": False})


def _outage_lines(caplog):
    return [r for r in caplog.records if r.name == "centralka.database"]


def _returning_browser(app):
    """A client holding a session cookie, as a panel tab does: checking it needs the database."""
    client = app.test_client()
    client.set_cookie(sessions.COOKIE, "a-session-from-before-the-outage")
    return client


def _away(client, times=20):
    """Every request gets the short 503, in English or Polish; no traceback is logged."""
    for index in range(times):
        response = client.get("/api/users", headers=PL if index % 2 else {})
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        assert response.get_json() == {"code": "database.away", "params": {}, "error": (
            "Baza danych jest teraz niedostępna; spróbuj ponownie za chwilę." if index % 2
            else "the database is not available now; try again in a moment")}


@pytest.fixture
def quiet_caplog(caplog):
    caplog.set_level(logging.INFO)
    return caplog


def _no_tracebacks(caplog):
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"


def test_unreachable_postgresql_is_503_logged_once(tmp_path, quiet_caplog):
    app = _app(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test", tmp_path)
    client = _returning_browser(app)
    _away(client)
    assert client.post("/api/auth/verify", json={"email": "a@b.example", "code": "123456"}).status_code == 503
    [line] = _outage_lines(quiet_caplog)
    assert line.levelno == logging.ERROR and "503" in line.getMessage()
    _no_tracebacks(quiet_caplog)


def test_missing_sqlite_database_is_503(tmp_path, quiet_caplog):
    app = _app(f"sqlite:///{tmp_path / 'no-such-folder' / 'centralka.sqlite3'}", tmp_path)
    _away(_returning_browser(app))
    assert len(_outage_lines(quiet_caplog)) == 1
    _no_tracebacks(quiet_caplog)


def test_locked_sqlite_database_is_503_until_released(ctx, owner, tmp_path, quiet_caplog):
    if ctx.config["BACKEND"] != "sqlite":
        pytest.skip("SQLite's file lock")
    client = ctx.test_client()
    sign_in(client, owner)
    locker = sqlite3.connect(db.engine.url.database, timeout=0)
    locker.execute("BEGIN EXCLUSIVE")  # another process writing (a migration, a backup restore)
    try:
        db.session.remove()
        _away(client, times=1)  # SQLite waits 5 s for the lock, then gives up
    finally:
        locker.rollback()
        locker.close()
    assert client.get("/api/users").status_code == 200
    assert [r.levelno for r in _outage_lines(quiet_caplog)] == [logging.ERROR, logging.WARNING]
    _no_tracebacks(quiet_caplog)


def test_postgresql_going_away_and_back(ctx, owner, tmp_path, quiet_caplog):
    if ctx.config["BACKEND"] != "postgresql":
        pytest.skip("a PostgreSQL server behind a proxy that can be cut")
    proxy = TcpProxy(db.engine.url.port or 5432).start()
    other = _app(db.engine.url.set(port=proxy.port).render_as_string(hide_password=False), tmp_path)
    try:
        client = other.test_client()
        sign_in(client, owner)
        assert client.get("/api/users").status_code == 200
        proxy.cut()
        _away(client, times=30)
        proxy.restore()
        assert client.get("/api/users").status_code == 200
        begun, ended = _outage_lines(quiet_caplog)
        assert "unavailable" in begun.getMessage() and "available again" in ended.getMessage()
        _no_tracebacks(quiet_caplog)
    finally:
        proxy.stop()
        with other.app_context():
            db.engine.dispose()


# ------------------------------------------------------------------ bad input is a 4xx that names it

def test_queue_stats_with_a_garbled_date(as_owner):
    response = as_owner.get("/api/queues/stats?since=garbage")
    assert response.status_code == 422
    assert response.get_json()["fields"] == {"since": ["'garbage' is not a date-time like 2026-12-24T14:00"]}
    assert as_owner.get("/api/queues/stats?until=0001-01-01T00:00").status_code == 200


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_an_id_past_the_database_range_is_not_found(as_owner, method):
    response = as_owner.open("/api/users/99999999999999999999", method=method, json={"first_name": "X"})
    assert response.status_code == 404
    assert as_owner.patch("/api/users/2147483648", json={"first_name": "X"}).status_code == 404


def _test_call(client, **fields):
    body = {"number": "+48221000000", "from": "601000999", "at": "2026-12-07T10:00", **fields}
    return client.post("/api/test-call", json=body)


def test_test_call_with_an_unknown_switch_time_zone(as_owner, published):
    response = _test_call(as_owner, switch_timezone="Mars/Olympus")
    assert response.status_code == 422
    assert response.get_json() == {
        "error": "Switch time zone: 'Mars/Olympus' is not an IANA time zone (e.g. Europe/Warsaw)",
        "code": "input.in_field",
        "params": {"field": "switch_timezone",
                   "message": {"code": "zone.unknown", "params": {"value": "Mars/Olympus"}}}}
    polish = as_owner.post("/api/test-call", headers=PL, json={
        "number": "+48221000000", "from": "601000999", "at": "2026-12-07T10:00", "switch_timezone": "Mars/Olympus"})
    assert polish.get_json()["error"] == \
        "Strefa czasowa centrali: 'Mars/Olympus' nie jest strefą czasową IANA (np. Europe/Warsaw)."
    preview = as_owner.get("/api/schedule-preview?number=%2B48221000000&from=2026-12-07&to=2026-12-08"
                           "&switch_timezone=Mars/Olympus")
    assert preview.status_code == 422


@pytest.mark.parametrize("at", ["9999-12-31T23:59:59", "0001-01-01T00:00", "9999-12-31T23:00+14:00"])
def test_test_call_at_a_year_out_of_range(as_owner, published, at):
    response = _test_call(as_owner, at=at, switch_timezone="Pacific/Kiritimati")
    assert response.status_code == 422
    assert response.get_json()["error"].startswith("Time of the call: the year must be between 1970 and 2200")


def test_schedule_preview_at_the_end_of_time(as_owner, published):
    response = as_owner.get("/api/schedule-preview?number=%2B48221000000&from=9999-12-30&to=9999-12-31")
    assert response.status_code == 422


def test_nul_characters_are_refused_naming_where(as_owner):
    response = as_owner.get("/api/recordings?caller=a%00b")
    assert response.status_code == 422
    assert response.get_json()["fields"] == {"caller": ["control character U+0000 is not allowed"]}
    response = as_owner.post("/api/groups", json={"name": "Serwis", "members": [{"user_id": 1, "note": "a\x00"}]})
    assert response.status_code == 422
    assert response.get_json()["fields"] == {"members": {"0": {"note": ["control character U+0000 is not allowed"]}}}


@pytest.mark.parametrize("url", ["/api/audit?before=99999999999999999999", "/api/audit?before=-99999999999999999999"])
def test_a_page_before_an_id_past_the_range(as_owner, url):
    assert as_owner.get(url).status_code == 200


@pytest.mark.parametrize(("url", "field"), [("/api/calls?from=9999-12-31", "from"), ("/api/calls.csv?to=0001-01-01", "to")])
def test_call_history_days_outside_the_years(as_owner, url, field):
    response = as_owner.get(url)
    assert response.status_code == 400  # a query parameter
    assert response.get_json()["fields"][field][0].endswith("is outside the years 1970-2200")


def test_scenario_versions_past_the_range_do_not_exist(as_owner, published):
    number_id = published.main_number_id
    response = as_owner.get(f"/api/main-numbers/{number_id}/scenario/diff?from=99999999999999999999&to=draft")
    assert response.status_code == 404
    assert as_owner.get(f"/api/main-numbers/{number_id}/scenario/diff?from=²&to=draft").status_code == 422
    response = as_owner.post(f"/api/main-numbers/{number_id}/scenario/rollback", json={"version": 10**20})
    assert response.status_code == 404


def test_non_object_bodies_and_half_loaded_members(as_owner, client):
    assert as_owner.post("/api/groups", json={"name": "Serwis", "members": [False]}).status_code == 422
    assert as_owner.post("/api/recordings/1/legal-hold", json=True).status_code == 404
    assert client.post("/api/auth/code", json=True).status_code == 422
    assert client.post("/api/auth/verify", json=[1]).status_code == 422
