"""Every request a real FreeSWITCH sent, replayed byte for byte against a company's database."""
from __future__ import annotations

import pytest

from tests.xml_curl.conftest import captured_requests, is_not_found, post
from tests.xml_curl.test_request import CAPTURES

ALL = [(name, i, body, fields) for name in CAPTURES for i, (body, fields) in enumerate(captured_requests(name))]


@pytest.mark.parametrize("name,index,body,fields", ALL, ids=[f"{n}#{i}" for n, i, *_ in ALL])
def test_captured_requests_from_another_installation_are_not_found(client, demo, compiler, name, index, body,
                                                                  fields):
    """The captures' domain 127.0.0.1, contexts default/public and numbers 48221000x00 are not
    Centralka's; callcenter.conf and timezones.conf are, and always come back as documents."""
    response = post(client, body)
    assert response.status_code == 200
    if fields.get("key_value") in ("callcenter.conf", "timezones.conf"):
        assert f'<configuration name="{fields["key_value"]}"'.encode() in response.data
    else:
        assert is_not_found(response)
    # callcenter.conf is joined from each company's part, compiled with its dialplan
    compiled_for = [demo.id] if fields.get("key_value") == "callcenter.conf" else []
    assert [tenant for _, tenant, _ in compiler.compiled] == compiled_for
