"""Each object a company manages, created, listed, changed and removed through ``centralka``, audited as the CLI."""
from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy import select

from pbx import models
from pbx.extensions import db

C = ("--company", "Kancelaria Nowak")


def audit(tenant, entity: str) -> list[tuple[str, str, str]]:
    db.session.rollback()
    return [(e.action, e.actor, e.entity_id) for e in db.session.scalars(
        select(models.AuditLogEntry).where(models.AuditLogEntry.tenant_id == tenant.id,
                                           models.AuditLogEntry.entity == entity).order_by(models.AuditLogEntry.id))]


def add_user(cli, first: str, ext: str, *extra: str) -> dict:
    return cli.json("user", "add", *C, "--first-name", first, "--last-name", "Nowak",
                    "--email", f"{first.lower()}@nowak.example", "--extension", ext, *extra)


def test_user_with_recording_and_main_number_rights(cli, company):
    anna = add_user(cli, "Anna", "101", "--phone", "601 000 001", "--record-calls", "--may-present-main-number",
                    "--always-present-main-number")
    assert (anna["phone"], anna["record_calls"], anna["may_present_main_number"],
            anna["always_present_main_number"]) == ("+48601000001", True, True, True)
    assert [u["id"] for u in cli.json("user", "list", *C)] == [anna["id"]]
    changed = cli.json("user", "update", *C, "anna@nowak.example", "--no-record-calls", "--phone", "",
                       "--not-always-present-main-number")
    assert (changed["record_calls"], changed["phone"], changed["always_present_main_number"]) == (False, None, False)
    assert cli.json("user", "show", *C, "Anna Nowak") == changed
    assert "Anna\tNowak\t101" in cli.run("user", "list", "--tenant", str(company.id)).stdout
    cli.run("user", "remove", *C, "101")
    assert cli.json("user", "list", *C) == []
    uid = str(anna["id"])
    assert audit(company, "User") == [("create", "cli:ops", uid), ("update", "cli:ops", uid),
                                      ("delete", "cli:ops", uid)]


def test_group_members_in_ringing_order(cli, company):
    anna, piotr = add_user(cli, "Anna", "101"), add_user(cli, "Piotr", "102")
    group = cli.json("group", "add", *C, "--name", "Sekretariat", "--extension", "200", "--ring-mode", "sequential",
                     "--member", "102=30", "--member", "anna@nowak.example", "--record-calls")
    assert [(m["user_id"], m["ring_seconds"]) for m in group["members"]] == [(piotr["id"], 30), (anna["id"], 20)]
    assert group["record_calls"] is True
    changed = cli.json("group", "update", *C, "Sekretariat", "--ring-mode", "simultaneous", "--member", "Anna Nowak")
    assert (changed["ring_mode"], [m["user_id"] for m in changed["members"]]) == ("simultaneous", [anna["id"]])
    assert cli.json("group", "update", *C, "200", "--no-members")["members"] == []
    assert [g["name"] for g in cli.json("group", "list", *C)] == ["Sekretariat"]
    assert cli.json("group", "remove", *C, "Sekretariat")["removed"]["id"] == group["id"]
    assert [a for a, _, _ in audit(company, "Group")] == ["create", "update", "delete"]
    assert {actor for _, actor, _ in audit(company, "GroupMember")} == {"cli:ops"}


def test_voicemail_box_with_users_addresses_and_greeting(cli, company):
    anna = add_user(cli, "Anna", "101")
    greeting = cli.json("announcement", "add", *C, "--name", "Poczta", "--text", "Zostaw wiadomość")
    box = cli.json("box", "add", *C, "--name", "Biuro", "--recipient", "101", "--email", "biuro@nowak.example",
                   "--greeting", "Poczta", "--max-seconds", "120")
    assert (box["recipient_ids"], box["extra_emails"], box["greeting_id"], box["max_seconds"]) == (
        [anna["id"]], ["biuro@nowak.example"], greeting["id"], 120)
    assert box["recipient_emails"] == ["anna@nowak.example", "biuro@nowak.example"]
    changed = cli.json("box", "update", *C, "Biuro", "--no-emails", "--greeting", "")
    assert (changed["recipient_ids"], changed["extra_emails"], changed["greeting_id"]) == ([anna["id"]], [], None)
    assert cli.json("box", "list", *C) == [changed]
    cli.run("box", "remove", *C, "Biuro")
    assert [a for a, actor, _ in audit(company, "VoicemailBox") if actor == "cli:ops"] == ["create", "update", "delete"]


def test_number_lists_normalise_patterns_from_options_and_files(cli, company, tmp_path):
    vip = cli.json("number-list", "add", *C, "--name", "VIP", "--kind", "vip", "--pattern", "600 111 222",
                   "--pattern", "0048 22*")
    assert vip["patterns"] == ["+48600111222", "+4822*"]
    listed = tmp_path / "spam.txt"
    listed.write_text("+48666000666\n\n+4870*\n")
    spam = cli.json("number-list", "add", *C, "--name", "Spam", "--kind", "blacklist", "--patterns-from", str(listed))
    assert spam["patterns"] == ["+48666000666", "+4870*"]
    assert cli.json("number-list", "update", *C, "VIP", "--pattern", "+48 601 000 001")["patterns"] == ["+48601000001"]
    assert [(x["name"], x["kind"]) for x in cli.json("number-list", "list", *C)] == [("Spam", "blacklist"),
                                                                                     ("VIP", "vip")]
    cli.run("number-list", "remove", *C, "Spam")
    assert [x["name"] for x in cli.json("number-list", "list", *C)] == ["VIP"]
    assert [a for a, _, _ in audit(company, "NumberList")] == ["create", "create", "update", "delete"]


def test_main_numbers_primary_and_direct_targets(cli, company):
    anna = add_user(cli, "Anna", "101")
    group = cli.json("group", "add", *C, "--name", "Biuro", "--member", "101")
    said = cli.run("main-number", "add", *C, "22 765 43 21", "--group", "Biuro", "--label", "Biuro").stdout
    assert said.startswith("added main number +48227654321") and said.endswith(": leads to group Biuro\n")
    second = cli.json("main-number", "show", *C, "+48227654321")
    assert (second["number"], second["is_primary"], second["target_group_id"]) == ("+48227654321", False, group["id"])
    to_user = cli.json("main-number", "update", *C, str(second["id"]), "--user", "Anna Nowak", "--primary")
    assert (to_user["target_user_id"], to_user["target_group_id"], to_user["is_primary"]) == (anna["id"], None, True)
    numbers = cli.json("main-number", "list", *C)
    assert [(n["number"], n["is_primary"]) for n in numbers] == [("+48221234567", False), ("+48227654321", True)]
    assert cli.json("main-number", "update", *C, "+48227654321", "--no-target")["target_user_id"] is None
    cli.run("main-number", "remove", *C, "+48221234567")
    assert [n["number"] for n in cli.json("main-number", "list", *C)] == ["+48227654321"]
    assert ("delete", "cli:ops", str(numbers[0]["id"])) in audit(company, "MainNumber")


def test_announcement_spoken_again_on_a_new_text_and_its_file_removed(cli, company):
    made = cli.json("announcement", "add", *C, "--name", "Powitanie", "--text", "Dzień dobry")
    path = Path(current_app.config["PROMPTS_DIR"]) / db.session.get(models.Announcement, made["id"]).storage_key
    assert made["rendered"] and path.exists()
    longer = cli.json("announcement", "update", *C, "Powitanie", "--text",
                      "Dzień dobry, dodzwoniłeś się do kancelarii Nowak, proszę czekać")
    assert longer["duration_seconds"] > made["duration_seconds"]
    assert cli.json("announcement", "show", *C, str(made["id"])) == longer
    cli.run("announcement", "remove", *C, "Powitanie")
    assert not path.exists() and cli.json("announcement", "list", *C) == []


def test_the_cli_prints_the_api_s_keys(cli, as_owner, demo):
    """--json is the panel API's shape, object for object."""
    for command, url in (("user", "/api/users"), ("group", "/api/groups"), ("box", "/api/voicemail-boxes"),
                         ("number-list", "/api/number-lists"), ("main-number", "/api/main-numbers"),
                         ("announcement", "/api/announcements")):
        assert cli.json(command, "list", "--company", str(demo.id)) == as_owner.get(url).get_json(), command
    number = demo.main_numbers[0]
    shown = cli.json("scenario", "show", "--company", demo.name, "--number", number.number)
    assert shown == as_owner.get(f"/api/main-numbers/{number.id}/scenario").get_json()


def test_users_exported_as_csv_under_both_names(cli, company, tmp_path):
    add_user(cli, "Anna", "101")
    printed = cli.run("user", "export", *C).stdout
    assert "anna@nowak.example" in printed and printed.count("\n") == 2
    cli.run("users", "export", "--tenant", "Kancelaria Nowak", "--csv", "--output", str(tmp_path / "u.csv"))
    assert (tmp_path / "u.csv").read_text(encoding="utf-8") == printed
