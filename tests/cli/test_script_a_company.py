"""A whole company scripted through ``centralka`` alone, then called through its published dialplan."""
from __future__ import annotations

import json

from flask import current_app
from sqlalchemy import select

from pbx import models, testcall
from pbx.extensions import db
from pbx.testcall import parse_at
from tests.support.acceptance import WORKWEEK, legs, path_of

C = ("--company", "Sklep Rowerowy")
MAIN, SHOP = "+48221112233", "+48227778899"
VIP, SPAMMER, CALLER = "+48600111222", "+48666000666", "+48601000999"


def script_the_company(cli, tmp_path) -> dict:
    """Everything the panel would do, as a script would: ids come from each command's --json."""
    cli.run("tenant", "create", "--name", "Sklep Rowerowy", "--main-number", MAIN)
    ids = {}
    for first, ext, extra in (("Anna", "101", ["--may-present-main-number"]), ("Piotr", "102", []),
                              ("Kasia", "103", ["--record-calls"])):
        ids[first] = cli.json("user", "add", *C, "--first-name", first, "--last-name", "Rower", "--extension", ext,
                              "--email", f"{first.lower()}@rower.example", "--phone", f"+48501000{ext}", *extra)["id"]
    ids["sales"] = cli.json("group", "add", *C, "--name", "Sprzedaż", "--extension", "200", "--member", "102=15",
                            "--member", "103=15")["id"]
    ids["menu"] = cli.json("announcement", "add", *C, "--name", "Menu", "--text", "Sprzedaż jeden, szef dwa")["id"]
    cli.run("announcement", "add", *C, "--name", "Poczta", "--text", "Zostaw wiadomość")
    ids["box"] = cli.json("box", "add", *C, "--name", "Poczta", "--recipient", "Anna Rower",
                          "--email", "biuro@rower.example", "--greeting", "Poczta")["id"]
    ids["vip"] = cli.json("number-list", "add", *C, "--name", "VIP", "--kind", "vip", "--pattern", VIP)["id"]
    ids["spam"] = cli.json("number-list", "add", *C, "--name", "Spam", "--kind", "blacklist",
                           "--pattern", "+48666*")["id"]
    cli.run("main-number", "add", *C, SHOP, "--group", "Sprzedaż", "--label", "Sklep")
    tree = tmp_path / "scenario.json"
    tree.write_text(json.dumps({"name": "Dzień", "root": scenario(ids)}))
    assert cli.json("scenario", "import", *C, "--number", MAIN, str(tree))["check"] == {
        "ok": True, "errors": [], "warnings": []}
    return ids


def scenario(ids: dict) -> dict:
    def vm(node_id):
        return {"id": node_id, "kind": "voicemail", "box": ids["box"]}

    def forward(node_id, target):
        return {"id": node_id, "kind": "forward", "target": target, "ring_seconds": 20,
                "no_answer": vm(f"{node_id}_vm")}

    menu = {"id": "menu", "kind": "menu", "prompt": ids["menu"], "no_input": vm("menu_vm"), "invalid": vm("bad_vm"),
            "options": {"1": forward("sales", {"group": ids["sales"]}), "2": forward("boss", {"user": ids["Anna"]})}}
    hours = {"id": "hours", "kind": "schedule", "week": WORKWEEK, "open": menu, "closed": vm("closed")}
    vip = {"id": "vip", "kind": "caller_condition", "list": ids["vip"],
           "match": forward("vip_boss", {"user": ids["Anna"]}), "otherwise": hours}
    return {"id": "spam", "kind": "caller_condition", "list": ids["spam"], "otherwise": vip}


def test_a_company_scripted_through_the_cli_routes_its_calls(cli, tmp_path):
    script_the_company(cli, tmp_path)
    version = cli.json("scenario", "publish", *C, "--number", MAIN, "--note", "z wiersza poleceń")
    assert (version["number"], version["live"], version["created_by"], version["note"]) == (
        1, True, "cli:ops", "z wiersza poleceń")
    db.session.rollback()
    tenant = db.session.scalar(select(models.Tenant).where(models.Tenant.name == "Sklep Rowerowy"))
    monday, sunday = parse_at("2026-12-21T10:00", tenant.timezone), parse_at("2026-12-20T10:00", tenant.timezone)

    def call(at, keys=None, *, caller=CALLER, number=MAIN):
        return testcall.test_call(tenant, number, caller, at, keys, app=current_app._get_current_object())

    rejected = call(monday, caller=SPAMMER)
    assert (rejected.result.hangup_cause, rejected.result.answered) == ("CALL_REJECTED", False)
    assert path_of(call(monday, caller=VIP))[:3] == ["spam:otherwise", "vip:match", "vip_boss:no_answer"]
    sales = call(monday, "1")
    assert path_of(sales)[:4] == ["spam:otherwise", "vip:otherwise", "hours:open", "menu:1"]
    assert [leg["who"] for leg in legs(sales)] == ["Piotr Rower", "Kasia Rower"]
    assert path_of(call(sunday))[-2:] == ["hours:closed", "closed"]
    assert [leg["who"] for leg in legs(call(monday, number=SHOP))] == ["Piotr Rower", "Kasia Rower"]


def test_scenario_versions_published_and_rolled_back_from_the_cli(cli, tmp_path):
    ids = script_the_company(cli, tmp_path)
    cli.run("scenario", "publish", *C, "--number", MAIN)
    closed_all_week = {"name": "Zamknięte", "root": {**scenario(ids), "otherwise": {"id": "closed", "kind": "voicemail",
                                                                                  "box": ids["box"]}}}
    (tmp_path / "closed.json").write_text(json.dumps(closed_all_week))
    cli.run("scenario", "import", *C, "--number", MAIN, str(tmp_path / "closed.json"))
    assert cli.json("scenario", "publish", *C, "--number", MAIN)["number"] == 2
    back = cli.json("scenario", "rollback", *C, "--number", MAIN, "--to", "1")
    assert (back["number"], back["live"], back["note"]) == (3, True, "rollback to version 1")
    shown = cli.json("scenario", "show", *C, "--number", MAIN)
    assert [(v["number"], v["live"]) for v in shown["versions"]] == [(3, True), (2, False), (1, False)]
    assert shown["check"] == {"ok": True, "errors": [], "warnings": []}
    text = cli.run("scenario", "show", *C, "--number", MAIN).stdout
    assert "version 3 (live)" in text and "the draft compiles without warnings" in text
