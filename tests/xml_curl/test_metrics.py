"""The switch endpoint's metrics and readiness: latency per section, fallbacks and last good
replies counted as they happen; /metrics only with the token or from loopback, showing no
company's data; /readyz follows the last good store, not the database."""
from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from tests.xml_curl.conftest import captured_body, dispose, hunt, post
from xml_curl.store import DatabaseDown

CALLCENTER_BODY = captured_body("xml_curl_configuration_callcenter.txt")


def sample(name: str, section: str) -> float:
    return REGISTRY.get_sample_value(name, {"section": section}) or 0.0


def test_each_request_adds_to_its_sections_latency_histogram(client, demo, compiler):
    dialplans, configurations = (sample("centralka_xml_curl_seconds_count", s) for s in ("dialplan", "configuration"))
    assert post(client, hunt(f"tenant_{demo.id}", "101")).status_code == 200
    post(client, hunt(f"tenant_{demo.id}", "102"))
    post(client, CALLCENTER_BODY)
    assert sample("centralka_xml_curl_seconds_count", "dialplan") == dialplans + 2
    assert sample("centralka_xml_curl_seconds_count", "configuration") == configurations + 1
    assert sample("centralka_xml_curl_seconds_sum", "dialplan") > 0


def test_a_failed_hunt_counts_a_fallback_and_the_last_good_reply_served(client, app, demo, compiler, monkeypatch):
    ask = hunt(f"tenant_{demo.id}", "101")
    good = post(client, ask).data
    fallbacks, last_good = sample("centralka_xml_curl_fallbacks_total", "dialplan"), \
        sample("centralka_xml_curl_last_good_total", "dialplan")

    def database_down(*_args):
        raise DatabaseDown("connection refused")

    monkeypatch.setattr(app.extensions["xml_curl"].sections["dialplan"], "serve", database_down)
    assert post(client, ask).data == good
    assert sample("centralka_xml_curl_fallbacks_total", "dialplan") == fallbacks + 1
    assert sample("centralka_xml_curl_last_good_total", "dialplan") == last_good + 1
    # A company never served before gets the apology: a fallback, but no last good reply.
    post(client, hunt("tenant_424242", "101"))
    assert sample("centralka_xml_curl_fallbacks_total", "dialplan") == fallbacks + 2
    assert sample("centralka_xml_curl_last_good_total", "dialplan") == last_good + 1


def test_metrics_show_no_company_data(client, demo, compiler):
    post(client, hunt(f"tenant_{demo.id}", "101"))
    scraped = client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert scraped.status_code == 200
    text = scraped.get_data(as_text=True)
    assert 'centralka_xml_curl_seconds_bucket{le="0.8",section="dialplan"}' in text
    for private in (demo.name, f"tenant_{demo.id}", demo.main_numbers[0].number.lstrip("+")):
        assert private not in text


@pytest.mark.parametrize("remote, headers, allowed", [
    ("127.0.0.1", {}, True),
    ("::1", {}, True),
    ("10.0.0.7", {}, False),
    ("127.0.0.1", {"X-Forwarded-For": "203.0.113.9"}, False),  # a proxy on the host, forwarding anyone
])
def test_without_a_token_metrics_answer_loopback_clients_only(client, remote, headers, allowed):
    scraped = client.get("/metrics", headers=headers, environ_base={"REMOTE_ADDR": remote})
    assert scraped.status_code == (200 if allowed else 403)


def test_with_a_token_metrics_need_it_from_anywhere(make_app):
    other = make_app(METRICS_TOKEN="s3cret-metrics-token")
    client = other.test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 403
    wrong = client.get("/metrics", headers={"Authorization": "Bearer guess"}, environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert wrong.status_code == 403
    right = client.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics-token"},
                       environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert right.status_code == 200 and b"centralka_xml_curl_seconds" in right.data


def test_the_switch_endpoint_is_ready_while_its_last_good_store_is_usable(make_app, tmp_path):
    from pbx.app import create_app

    switch = create_app({**make_app().config, "XML_CURL_LAST_GOOD_PATH": str(tmp_path / "last-good.sqlite3")},
                        role="switch")
    assert switch.test_client().get("/healthz").status_code == 200
    ready = switch.test_client().get("/readyz")
    assert ready.status_code == 200 and ready.json["checks"] == {"last_good": "ok", "database": "ok"}
    (tmp_path / "folder-not-file").mkdir()
    broken = create_app({**make_app().config, "XML_CURL_LAST_GOOD_PATH": str(tmp_path / "folder-not-file")},
                        role="switch")
    unready = broken.test_client().get("/readyz")
    assert unready.status_code == 503 and unready.json["checks"]["last_good"] == "unavailable"
    dispose(switch)
    dispose(broken)
