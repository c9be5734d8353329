"""callcenter.conf joined from each company's part, compiled with its dialplan once per revision."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.support.callcenter import COMPANY_IDS, company_queues
from tests.xml_curl.conftest import captured_body, post

CALLCENTER = captured_body("xml_curl_configuration_callcenter.txt")
# What the full build (every company compiled inside the request) served for these companies.
GOLDEN = (Path(__file__).parent / "golden" / "callcenter_five_companies.xml").read_bytes()


@pytest.fixture
def companies(ctx, compiler) -> list:
    """Five companies with the fixture's queues (the fake compiler's part for each)."""
    from pbx import directory
    from pbx.extensions import db

    made = [directory.create_tenant({"name": f"Firma {number}"}) for number in COMPANY_IDS]
    db.session.commit()
    for tenant, number in zip(made, COMPANY_IDS):
        compiler.queues[tenant.id] = company_queues(number)
    return made


def compiled_companies(compiler) -> list[int]:
    """Companies compiled: their dialplan with their queues (a hunt), or their queues alone."""
    return [tenant for _, tenant, _ in compiler.compiled]


def rename(tenant, name: str) -> None:
    from pbx import directory
    from pbx.extensions import db

    directory.update_tenant(tenant, {"name": name})  # bumps its dialplan revision
    db.session.commit()


def test_joined_parts_equal_the_full_build(client, companies):
    assert post(client, CALLCENTER).data == GOLDEN


def test_a_change_in_one_company_recompiles_that_company_alone(client, companies, compiler):
    post(client, CALLCENTER)
    assert sorted(compiled_companies(compiler)) == sorted(t.id for t in companies)
    changed = companies[2]
    compiler.compiled.clear()
    dropped = len(compiler.queues[changed.id]) - 1
    compiler.queues[changed.id] = compiler.queues[changed.id][:1]
    rename(changed, "Firma Zmieniona")
    served = post(client, CALLCENTER).data
    assert compiled_companies(compiler) == [changed.id]
    assert served.count(b"<queue ") == GOLDEN.count(b"<queue ") - dropped
    assert post(client, CALLCENTER).data == served and compiled_companies(compiler) == [changed.id]


def test_a_hunt_and_callcenter_conf_share_one_compile(client, companies, compiler):
    from tests.xml_curl.conftest import with_fields

    hunt = with_fields(captured_body("xml_curl_dialplan_transfer_menu_1.txt"),
                       {"Hunt-Context": f"tenant_{companies[0].id}", "Hunt-Destination-Number": "101"})
    post(client, hunt)
    post(client, CALLCENTER)
    assert compiled_companies(compiler).count(companies[0].id) == 1


def test_a_slow_compile_past_the_deadline_serves_the_last_good_callcenter_conf(client, companies, compiler, app):
    good = post(client, CALLCENTER).data
    compiler.queues[companies[0].id] = []
    compiler.delay = app.config["XML_CURL_BUDGET_MS"] / 1000 + 0.5
    rename(companies[0], "Firma Wolna")
    started = time.monotonic()
    assert post(client, CALLCENTER).data == good
    assert time.monotonic() - started < compiler.delay
    compiler.delay = 0
    time.sleep(0.7)  # the compile goes on beside the requests and fills the cache
    assert post(client, CALLCENTER).data.count(b"<queue ") == good.count(b"<queue ") - 2


def test_a_fresh_worker_joins_the_parts_from_disk_without_compiling(client, companies, compiler, make_app):
    served = post(client, CALLCENTER).data
    compiler.compiled.clear()
    fresh = make_app()
    assert post(fresh.test_client(), CALLCENTER).data == served
    assert compiler.compiled == []


def test_a_company_that_does_not_compile_keeps_the_last_good_callcenter_conf(client, companies, compiler,
                                                                            monkeypatch, caplog):
    from xml_curl import dialplan

    good = post(client, CALLCENTER).data
    broken = companies[1]
    real = compiler.tenant_queues
    monkeypatch.setattr(dialplan, "_tenant_queues",
                        lambda tid, config: 1 / 0 if tid == broken.id else real(tid, config))
    rename(broken, "Firma Zepsuta")
    rename(companies[3], "Firma Inna")
    assert post(client, CALLCENTER).data == good
    assert f"the queues of company {broken.id} did not compile" in caplog.text
    assert compiled_companies(compiler)[-1] == companies[3].id  # the others of the job still compiled


def test_a_part_the_preprocessor_would_change_is_never_sent(client, companies, compiler):
    good = post(client, CALLCENTER).data
    compiler.queues[companies[0].id] = [{"name": "t1_s3_$${carrier_password}@default", "strategy": "random",
                                         "moh_sound": "$${carrier_password}", "agents": []}]
    rename(companies[0], "Firma Z Dolarem")
    served = post(client, CALLCENTER).data
    assert served == good and b"$${" not in served


def test_a_first_start_waits_past_the_budget_for_the_queues_rather_than_answer_not_found(companies, compiler,
                                                                                        make_app, tmp_path):
    """Nothing kept yet: "not found" would leave a switch that loads mod_callcenter now without queues."""
    fresh = make_app(XML_CURL_LAST_GOOD_PATH=str(tmp_path / "first-start.sqlite3"), XML_CURL_BUDGET_MS=100,
                     XML_CURL_FIRST_CALLCENTER_MS=1500)
    compiler.delay = 0.08  # five companies in one job: 0.4 s, past the budget
    started = time.monotonic()
    assert post(fresh.test_client(), CALLCENTER).data == GOLDEN
    assert time.monotonic() - started < 1.5


def test_a_first_start_answers_not_found_at_its_longer_deadline(companies, compiler, make_app, tmp_path):
    from tests.xml_curl.conftest import is_not_found

    fresh = make_app(XML_CURL_LAST_GOOD_PATH=str(tmp_path / "first-start.sqlite3"), XML_CURL_BUDGET_MS=100,
                     XML_CURL_FIRST_CALLCENTER_MS=300)
    compiler.delay = 0.2  # 1 s for the five companies
    started = time.monotonic()
    assert is_not_found(post(fresh.test_client(), CALLCENTER))
    assert 0.3 <= time.monotonic() - started < 0.8
    fresh.extensions["xml_curl"].sections["dialplan"].settled()  # the compiles go on, and are kept
    assert post(fresh.test_client(), CALLCENTER).data == GOLDEN


def test_a_queue_load_gets_its_company_part_alone(client, compiler):
    """mod_callcenter's ``queue load`` imports every agent and tier of the reply: with several
    switches, another company's agents would land on this company's home switch."""
    from urllib.parse import quote_plus

    from pbx import directory
    from pbx.extensions import db
    from xml_curl.configuration import callcenter_document

    first, second = (directory.create_tenant({"name": f"Firma {n}"}) for n in "AB")
    db.session.commit()
    for tenant in (first, second):
        compiler.queues[tenant.id] = company_queues(tenant.id)

    def load(queue: str) -> bytes:
        return post(client, CALLCENTER + b"&CC-Queue=" + quote_plus(queue).encode()).data

    assert load(f"t{first.id}_s3_sales@default") == callcenter_document(company_queues(first.id))
    assert load(f"t{second.id}_g7@default") == callcenter_document(company_queues(second.id))
    assert b"<queue " not in load(f"t{second.id + 100}_g7@default")  # no such company: nothing to load
    whole = post(client, CALLCENTER).data  # the module loading: every company
    assert whole.count(b"<agent ") == sum(callcenter_document(company_queues(t.id)).count(b"<agent ")
                                          for t in (first, second))


def test_the_switch_accepts_callcenter_conf_for_ten_thousand_companies():
    """mod_xml_curl refuses replies over response-max-bytes (1 MiB unless set): the binding that
    fetches configuration must take the whole document, five companies' golden part times 2,000."""
    from lxml import etree

    conf = Path(__file__).parents[2] / "freeswitch" / "autoload_configs" / "xml_curl.conf.xml"
    binding = next(b for b in etree.parse(str(conf)).iter("binding")
                   if "configuration" in b.find("param[@name='gateway-url']").get("bindings"))
    limit = binding.find("param[@name='response-max-bytes']")
    assert limit is not None and int(limit.get("value")) >= 2_000 * len(GOLDEN)
