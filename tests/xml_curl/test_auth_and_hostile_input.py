"""Basic auth, malformed posts, and hostile form values: never a 5xx, never unescaped in the reply."""
from __future__ import annotations

import base64
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.xml_curl.conftest import FORM, captured_body, is_not_found, post, with_fields

TRANSFER = captured_body("xml_curl_dialplan_transfer_menu_1.txt")
SIP_AUTH = captured_body("xml_curl_directory.txt")


def basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.fixture
def guarded(ctx, make_app, compiler):
    """A plain client: it sends only the credentials a test gives."""
    return FlaskClient(make_app(XML_CURL_USER="freeswitch", XML_CURL_PASSWORD="s3cret"))


def test_right_credentials_are_served(guarded):
    response = post(guarded, TRANSFER, headers=basic("freeswitch", "s3cret"))
    assert response.status_code == 200


@pytest.mark.parametrize("headers", [
    {}, basic("freeswitch", "wrong"), basic("other", "s3cret"), basic("", ""),
    {"Authorization": "Bearer s3cret"}, {"Authorization": "Basic !!!not-base64"},
])
def test_missing_or_wrong_credentials_get_401(guarded, headers):
    response = post(guarded, TRANSFER, headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_auth_is_off_only_when_the_password_is_set_empty_and_then_no_directory(make_app, demo, compiler):
    open_endpoint = FlaskClient(make_app(XML_CURL_PASSWORD=""))
    assert post(open_endpoint, TRANSFER, headers=basic("anyone", "anything")).status_code == 200
    sip_auth = with_fields(SIP_AUTH, {"user": "101", "domain": f"t{demo.id}.pbx.local"})
    response = post(open_endpoint, sip_auth)
    assert is_not_found(response) and b"password" not in response.data


@pytest.mark.parametrize("body,content_type", [
    (b"", FORM),
    (b"\x00\xff\xfe\xfd" * 100, FORM),
    (b"section=dialplan", FORM),
    (b"section=dialplan&Hunt-Context=tenant_999999", FORM),
    (b"section=directory&user=101", FORM),
    (b"section=configuration", FORM),
    (b"section=chatplan&key_value=x", FORM),
    (b"section=__class__", FORM),
    (b'{"section": "dialplan"}', "application/json"),
    (TRANSFER, "text/plain"),
    (b"section=dialplan&" + b"A=" + b"x" * 2_000_000, FORM),
])
def test_malformed_posts_are_not_found(client, demo, compiler, body, content_type):
    response = client.post("/xml_curl", data=body, content_type=content_type)
    assert is_not_found(response)


def test_get_is_not_served_as_xml(client):
    assert client.get("/xml_curl").status_code == 405


HOSTILE = st.one_of(
    st.text(max_size=40),
    st.sampled_from(['<x/>', '"><action application="system" data="rm -rf /"/>', "]]>", "&amp;", "&#0;",
                     "${system(id)}", "tenant_1</context>", "\x00", "\ud7ff\U0001f4de", "' or 1=1 --"]),
).map(lambda value: value + "<&>'\"")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(section=st.sampled_from(["dialplan", "directory", "configuration", "", "x<y"]),
       context=st.one_of(st.just("public"), st.just("OWN"), HOSTILE),
       destination=st.one_of(st.just("+48221000000"), HOSTILE),
       user=st.one_of(st.just("101"), HOSTILE), domain=st.one_of(st.just("OWN"), HOSTILE),
       other=HOSTILE)
def test_hostile_values_never_fail_and_never_appear_unescaped(client, demo, compiler, section, context,
                                                               destination, user, domain, other):
    # "OWN": the demo company's real context or domain, so real look-ups run too.
    context = f"tenant_{demo.id}" if context == "OWN" else context
    domain = f"t{demo.id}.pbx.local" if domain == "OWN" else domain
    fields = {"hostname": "fs1", "section": section, "tag_name": "domain", "key_name": "name",
              "key_value": other, "Hunt-Context": context, "Hunt-Destination-Number": destination,
              "Caller-Caller-ID-Number": other, "action": "sip_auth", "user": user, "domain": domain,
              "purpose": "" if user == "101" else other}
    response = client.post("/xml_curl", data=urlencode(fields), content_type=FORM)
    assert response.status_code == 200
    etree.fromstring(response.data)  # always a well-formed document
    for value in fields.values():
        if any(ch in value for ch in "<&\""):
            assert value.encode("utf-8", "surrogatepass") not in response.data


def test_hostile_value_in_a_captured_body_is_escaped_in_the_fallback(client, demo, compiler):
    compiler.fail = True
    body = with_fields(TRANSFER, {"Hunt-Context": f"tenant_{demo.id}", "Hunt-Destination-Number": "<x>&"})
    response = post(client, body)
    assert response.status_code == 200 and b"<x>" not in response.data
    assert etree.fromstring(response.data).xpath("//context/@name") == [f"tenant_{demo.id}"]
