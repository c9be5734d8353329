"""Dialplan section: tenant resolution, the revision-keyed cache, budget and failures."""
from __future__ import annotations

import time

import pytest

from tests.xml_curl.conftest import captured_body, is_not_found, post, served_after_commit, with_fields, xml

TRANSFER = captured_body("xml_curl_dialplan_transfer_menu_1.txt")
FIRST_HUNT = captured_body("xml_curl_dialplan_48221234567.txt")


def hunt(context: str, destination: str) -> bytes:
    return with_fields(TRANSFER, {"Hunt-Context": context, "Hunt-Destination-Number": destination})


def main_number(tenant):
    return tenant.main_numbers[0]


@pytest.mark.parametrize("dialled", ["+48221000000", "48221000000", "221000000", "0048221000000"])
def test_public_hunt_finds_the_main_number_in_any_carrier_form(client, demo, compiler, dialled):
    doc = xml(post(client, hunt("public", dialled)))
    assert doc.xpath("//context/@name") == ["public"]
    number = main_number(demo)
    assert doc.xpath("//action/@data") == [f"main_{number.id} XML tenant_{demo.id}"]


def test_first_hunt_body_as_captured_routes_by_its_destination(client, demo, compiler):
    body = with_fields(FIRST_HUNT, {"Hunt-Context": "public", "Hunt-Destination-Number": "48221000000"})
    assert xml(post(client, body)).xpath("//context/@name") == ["public"]


def test_tenant_context_serves_the_tenant_document_named_as_asked(client, demo, compiler):
    doc = xml(post(client, hunt(f"tenant_{demo.id}", f"main_{main_number(demo).id}")))
    assert doc.xpath("//context/@name") == [f"tenant_{demo.id}"]


@pytest.mark.parametrize("context,destination", [
    ("public", "+48229999999"),           # nobody's number
    ("public", "main_1"),                 # not a number at all
    ("public", ""),
    ("tenant_999999", "101"),             # no such tenant
    ("tenant_01", "101"),                 # not how we name contexts
    ("default", "1000"),                  # a context we do not serve
    ("TENANT_1", "101"),
])
def test_unknown_numbers_and_contexts_are_not_found(client, demo, compiler, context, destination):
    assert is_not_found(post(client, hunt(context, destination)))
    assert compiler.compiled == []


def test_captured_call_to_an_unknown_number_is_not_found(client, demo, compiler):
    assert is_not_found(post(client, FIRST_HUNT))


def test_compiled_once_per_revision_and_again_after_a_change(client, demo, compiler):
    from pbx import directory
    from pbx.extensions import db

    ask = hunt(f"tenant_{demo.id}", "101")
    first = post(client, ask).data
    assert post(client, ask).data == first
    assert len(compiler.compiled) == 1
    directory.update_user(demo, demo.users[0].id, {"description": "Recepcja i sekretariat"})
    db.session.commit()
    changed = served_after_commit(client, ask, lambda reply: reply != first)
    assert changed != first
    assert [c[0] for c in compiler.compiled] == ["tenant", "tenant"]
    assert compiler.compiled[1][2] > compiler.compiled[0][2]


def test_a_change_is_seen_by_every_process(ctx, demo, compiler, make_app):
    """Two apps = two gunicorn workers: each caches, neither serves a stale revision."""
    from pbx import directory
    from pbx.extensions import db

    workers = [make_app().test_client(), make_app().test_client()]
    ask = hunt(f"tenant_{demo.id}", "101")
    before = [post(worker, ask).data for worker in workers]
    assert before[0] == before[1]
    directory.update_user(demo, demo.users[1].id, {"description": "Sprzedaż hurtowa"})
    db.session.commit()
    after = [served_after_commit(worker, ask, lambda reply: reply != before[0]) for worker in workers]
    assert after[0] == after[1] != before[0]
    revision = db.session.get(type(demo), demo.id).dialplan_revision
    assert f'rev_{revision}"'.encode() in after[0]


def test_compile_over_budget_gets_the_safe_reply_then_the_compiled_one(ctx, demo, compiler, make_app):
    demo.fallback_number = "+48501234567"
    from pbx.extensions import db

    db.session.commit()
    worker = make_app(XML_CURL_BUDGET_MS=150).test_client()
    compiler.delay = 0.5
    started = time.monotonic()
    doc = xml(post(worker, hunt(f"tenant_{demo.id}", "101")))
    assert time.monotonic() - started < 0.45
    assert doc.xpath("//context/@name") == [f"tenant_{demo.id}"]
    assert doc.xpath("//action/@application") == ["export", "answer", "playback", "set", "bridge", "hangup"]
    assert "sofia/gateway/carrier/48501234567" in doc.xpath("//action/@data")
    time.sleep(0.6)  # the compile finished in the background and filled the cache
    compiler.delay = 0
    assert b"rev_" in post(worker, hunt(f"tenant_{demo.id}", "101")).data
    assert len(compiler.compiled) == 1


def test_compiler_error_serves_the_last_good_document(client, demo, compiler):
    from pbx import directory
    from pbx.extensions import db

    ask = hunt(f"tenant_{demo.id}", "101")
    good = post(client, ask).data
    directory.update_user(demo, demo.users[0].id, {"description": "zmiana"})
    db.session.commit()
    compiler.fail = True
    response = post(client, ask)
    assert response.status_code == 200
    assert response.data == good


def test_compiler_error_without_history_answers_then_hangs_up(client, demo, compiler):
    compiler.fail = True
    doc = xml(post(client, hunt(f"tenant_{demo.id}", "101")))
    assert doc.xpath("//action/@application") == ["export", "answer", "playback", "hangup"]
    assert doc.xpath("//context/@name") == [f"tenant_{demo.id}"]


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_apology_is_the_shared_prompt_in_the_tenants_language(client, demo, compiler, language):
    from pathlib import Path

    from pbx import models
    from pbx.extensions import db
    from pbx.prompts import system_prompt_path

    demo.language = models.Language(language)
    db.session.commit()
    compiler.fail = True
    doc = xml(post(client, hunt(f"tenant_{demo.id}", "101")))
    config = client.application.config
    rendered = system_prompt_path(language, "apology", config).relative_to(Path(config["PROMPTS_DIR"]))
    assert doc.xpath("//action[@application='playback']/@data") == [f"${{sounds_dir}}/centralka/{rendered}"]

