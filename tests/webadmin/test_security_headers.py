"""Every response tells the browser what it may do with it; no error shows a stack trace."""
from __future__ import annotations

import pytest

from tests.conftest import sign_in

EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def assert_protected(response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (name, response.headers)
    policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert policy["frame-ancestors"] == "'none'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("method,path,status", [
    ("GET", "/", 200),
    ("GET", "/static/panel.css", 200),
    ("GET", "/static/js/main.js", 200),
    ("GET", "/api/users", 401),
    ("GET", "/api/no-such-thing", 404),
    ("DELETE", "/", 405),
    ("POST", "/xml_curl", 401),
])
def test_every_kind_of_response_carries_the_headers(client, method, path, status):
    response = client.open(path, method=method)
    assert response.status_code == status
    assert_protected(response)


def test_the_switch_endpoint_carries_them_too(client):
    config = client.application.config
    response = client.post("/xml_curl", data="section=directory", content_type="application/x-www-form-urlencoded",
                           auth=(config["XML_CURL_USER"], config["XML_CURL_PASSWORD"]))
    assert response.status_code == 200 and response.mimetype == "text/xml"
    assert_protected(response)


def test_api_json_for_a_signed_in_admin_carries_them_too(client, owner):
    sign_in(client, owner)
    response = client.get("/api/users")
    assert response.status_code == 200 and response.is_json
    assert_protected(response)


@pytest.fixture
def production_app(app):
    """The app as deployed: not testing, not debugging, so errors are not propagated to the test."""
    from pbx.app import create_app

    made = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "test",
                       "STORAGE_DIR": app.config["STORAGE_DIR"], "TASK_QUEUE_URL": "memory",
                       "SWITCH_SYNC_ON_COMMIT": False, "TESTING": False, "DEBUG": False})

    @made.get("/api/broken-for-the-test")
    def broken():
        raise RuntimeError("password=hunter2 in /srv/centralka/pbx/secret.py")

    yield made
    from pbx.extensions import db

    with made.app_context():
        db.engine.dispose()
    made.extensions["xml_curl"].sections["dialplan"].store.close()


@pytest.mark.parametrize("language,text", [
    ("en", "The server encountered an internal error"),
    ("pl", "Wystąpił wewnętrzny błąd serwera"),
])
def test_an_exception_in_a_view_is_short_json_without_a_traceback(production_app, language, text, caplog):
    response = production_app.test_client().get("/api/broken-for-the-test", headers={"Accept-Language": language})
    assert response.status_code == 500 and response.is_json
    assert response.get_json()["error"].startswith(text)
    assert response.get_json() == {"error": response.get_json()["error"], "code": "http.500", "params": {}}
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "hunter2" not in body and "secret.py" not in body
    assert_protected(response)
    assert "hunter2" in caplog.text  # the operator still finds it in the log
