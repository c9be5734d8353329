"""/xml_curl answers switches only: credentials by default, the directory never without them, an allow-list."""
from __future__ import annotations

import base64

import pytest
from flask.testing import FlaskClient
from lxml import etree

from pbx.config import UnsafeConfiguration
from tests.xml_curl.conftest import FORM, captured_body, is_not_found, post, with_fields

TRANSFER = captured_body("xml_curl_dialplan_transfer_menu_1.txt")
CALLCENTER = captured_body("xml_curl_configuration_callcenter.txt")


def basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def directory_form(tenant_id: int, extension: int | str) -> bytes:
    return f"section=directory&action=sip_auth&user={extension}&domain=t{tenant_id}.pbx.local".encode()


@pytest.fixture
def default_app(make_app, tmp_path):
    """An app as the README's run command starts it: no switch credentials in the environment."""
    return make_app(XML_CURL_USER="freeswitch", XML_CURL_PASSWORD=None, ESL_SERVERS=None, CDR_PASSWORD=None,
                    INSTANCE_PATH=str(tmp_path / "instance"))


@pytest.fixture
def stranger(default_app):
    """Whoever reaches the web port: sends only what a test gives."""
    return FlaskClient(default_app)


def switch_auth(application) -> dict:
    return basic(application.config["XML_CURL_USER"], application.config["XML_CURL_PASSWORD"])


def test_by_default_credentials_are_generated_and_required(default_app, stranger, demo, compiler):
    assert len(default_app.config["XML_CURL_PASSWORD"]) >= 24
    response = post(stranger, directory_form(demo.id, 101))
    assert response.status_code == 401
    assert b"password" not in response.data
    served = post(stranger, directory_form(demo.id, 101), headers=switch_auth(default_app))
    assert served.status_code == 200
    assert etree.fromstring(served.data).xpath("//param[@name='password']/@value")


def test_a_scan_of_every_extension_collects_nothing(stranger, demo, compiler):
    answers = [post(stranger, directory_form(demo.id, extension)) for extension in range(100, 1000)]
    assert {response.status_code for response in answers} == {401}
    assert not any(b'name="password"' in response.data for response in answers)


def test_dialplans_and_queues_are_not_readable_without_credentials(stranger, demo, compiler):
    dialplan = post(stranger, with_fields(TRANSFER, {"Hunt-Context": f"tenant_{demo.id}"}))
    queues = post(stranger, CALLCENTER)
    assert dialplan.status_code == queues.status_code == 401
    assert b"<extension" not in dialplan.data and b"<queue" not in queues.data


@pytest.mark.parametrize("headers", [
    basic("freeswitch", "wrong"), basic("cdr", "x"), basic("", ""), {"Authorization": "Bearer x"},
])
def test_wrong_credentials_get_401(default_app, stranger, demo, compiler, headers):
    response = post(stranger, directory_form(demo.id, 101), headers=headers)
    assert response.status_code == 401 and b"password" not in response.data


def test_without_credentials_the_directory_is_never_served_even_to_loopback(make_app, demo, compiler):
    # A reverse proxy on the same host makes every stranger a loopback client.
    open_endpoint = FlaskClient(make_app(XML_CURL_PASSWORD=""))
    response = post(open_endpoint, directory_form(demo.id, 101), environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert is_not_found(response) and b"password" not in response.data


@pytest.fixture
def allow_listed(make_app, compiler):
    return make_app(XML_CURL_ALLOWED="10.0.0.0/8, 192.168.1.7,fd00::/8")


@pytest.mark.parametrize("address", ["127.0.0.1", "192.168.1.8", "11.0.0.1", "::1"])
def test_an_address_outside_the_allow_list_gets_403_even_with_credentials(allow_listed, demo, address):
    response = post(FlaskClient(allow_listed), directory_form(demo.id, 101), headers=switch_auth(allow_listed),
                    environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 403 and b"password" not in response.data


@pytest.mark.parametrize("address", ["10.1.2.3", "192.168.1.7", "fd00::5", "::ffff:10.1.2.3"])
def test_an_allowed_address_still_needs_credentials(allow_listed, demo, address):
    client = FlaskClient(allow_listed)
    refused = post(client, directory_form(demo.id, 101), environ_base={"REMOTE_ADDR": address})
    served = post(client, directory_form(demo.id, 101), headers=switch_auth(allow_listed),
                  environ_base={"REMOTE_ADDR": address})
    assert refused.status_code == 401
    assert served.status_code == 200 and b'name="password"' in served.data


def test_forwarded_for_headers_are_not_trusted_without_a_configured_proxy(allow_listed, demo):
    response = post(FlaskClient(allow_listed), directory_form(demo.id, 101), headers={
        **switch_auth(allow_listed), "X-Forwarded-For": "10.1.2.3", "X-Real-IP": "10.1.2.3"},
        environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 403


def test_a_mistyped_allow_list_refuses_to_start_naming_the_setting(make_app):
    with pytest.raises(UnsafeConfiguration, match="CENTRALKA_XML_CURL_ALLOWED.*10.0.0.300"):
        make_app(XML_CURL_ALLOWED="10.0.0.300")


def test_a_refused_request_is_not_parsed(stranger):
    response = stranger.post("/xml_curl", data=b"section=directory&user=101", content_type=FORM)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Basic")
