"""Bad input through ``centralka``: one line naming each problem, exit status 2, nothing stored or audited."""
from __future__ import annotations

import pytest

C = ("--company", "Kancelaria Nowak")


@pytest.fixture
def staff(cli, company):
    cli.run("user", "add", *C, "--first-name", "Anna", "--last-name", "Nowak", "--email", "anna@nowak.example",
            "--extension", "101")
    cli.run("group", "add", *C, "--name", "Biuro", "--member", "101")
    cli.run("main-number", "add", *C, "+48227654321", "--group", "Biuro")
    return company


@pytest.mark.parametrize("args, message", [
    (("user", "add", *C, "--first-name", "Jan", "--last-name", "K", "--email", "jan@x.example", "--phone", "12ab"),
     "error: phone: '12ab' is not a phone number: letters are not allowed"),
    (("user", "add", *C, "--first-name", "Jan", "--last-name", "K", "--email", "jan@x.example",
      "--always-present-main-number", "--may-not-present-main-number"),
     "error: always_present_main_number: cannot always present the main number without being allowed to"),
    (("user", "add", *C, "--first-name", "Jan", "--last-name", "K", "--email", "jan@x.example", "--extension", "101"),
     "error: extension: extension 101 is already used by a user"),
    (("user", "update", *C, "Jan Kowalski", "--record-calls"),
     "error: user: Kancelaria Nowak has no user 'Jan Kowalski'"),
    (("group", "add", *C, "--name", "Handel", "--member", "nobody@x.example"),
     "error: member: Kancelaria Nowak has no user 'nobody@x.example'"),
    (("group", "add", *C, "--name", "Handel", "--ring-mode", "loud"),
     "error: ring_mode: Must be one of: sequential, random, simultaneous, longest-idle."),
    (("group", "add", *C, "--name", "Handel", "--member", "101=2"),
     "error: members.0.ring_seconds: Must be from 5 to 300."),
    (("box", "add", *C, "--name", "Pusta"), "error: recipient_ids: a voicemail box needs at least one recipient"),
    (("box", "add", *C, "--name", "Poczta", "--email", "not-an-address"),
     "error: extra_emails.0: Not a valid email address."),
    (("number-list", "add", *C, "--name", "Wszyscy", "--kind", "blacklist", "--pattern", "*"),
     "error: patterns.0: '*' would match every caller: put the start of the numbers before '*' (e.g. +4822*)"),
    (("number-list", "add", *C, "--name", "Lista", "--kind", "grey"), "error: kind: Must be one of: blacklist, vip."),
    (("main-number", "add", *C, "+48227654321"), "error: number: +48227654321 is already a main number"),
    (("main-number", "add", *C, "+48225550000", "--user", "101", "--group", "Biuro"),
     "error: target_group_id: choose a user or a group, not both"),
    (("main-number", "remove", *C, "+48221234567"),
     "error: is_primary: the primary number cannot be deleted: make another number primary first"),
    (("group", "remove", *C, "Biuro"), "error: used_by: group Biuro is used by main number +48227654321 rings this "
                                       "group directly"),
    (("announcement", "add", *C, "--name", "Cisza"), "error: text: a text-to-speech announcement needs its text"),
    (("tenant", "update", *C, "--timezone", "Mars/Olympus"),
     "error: timezone: 'Mars/Olympus' is not an IANA time zone (e.g. Europe/Warsaw)"),
    (("tenant", "update", *C, "--transfer-blind-code", "*12"),
     "error: transfer_blind_code: a transfer code is * or # and one digit, e.g. *1"),
    (("user", "list", "--company", "Nikt"), "error: no company with id or name 'Nikt'"),
])
def test_refused_with_the_problem_named(cli, staff, args, message):
    assert message in cli.refused(*args).splitlines()


def test_an_ambiguous_name_is_refused_and_id_n_settles_it(cli, staff):
    cli.run("user", "add", *C, "--first-name", "Anna", "--last-name", "Nowak", "--email", "anna2@nowak.example")
    error = cli.refused("user", "update", *C, "Anna Nowak", "--record-calls")
    assert "error: user: 'Anna Nowak' names more than one user: Anna Nowak (id" in error and "give id:N" in error
    second = cli.json("user", "list", *C)[-1]["id"]
    assert cli.json("user", "update", *C, f"id:{second}", "--record-calls")["record_calls"] is True


def test_another_company_s_objects_cannot_be_named(cli, staff):
    cli.run("tenant", "create", "--name", "Obca")
    cli.run("user", "add", "--company", "Obca", "--first-name", "Olga", "--last-name", "Obca", "--email", "o@o.example",
            "--extension", "301")
    olga = cli.json("user", "list", "--company", "Obca")[0]["id"]
    assert f"error: user {olga} does not exist in this company" in cli.refused("user", "remove", *C, f"id:{olga}")
    assert "error: member: Kancelaria Nowak has no user '301'" in cli.refused(
        "group", "update", *C, "Biuro", "--member", "301")


def test_a_refused_update_changes_nothing(cli, staff):
    before = cli.json("group", "show", *C, "Biuro")
    cli.refused("group", "update", *C, "Biuro", "--name", "Handel", "--extension", "1")
    assert cli.json("group", "show", *C, "Biuro") == before


def test_a_draft_that_does_not_compile_is_kept_and_publishing_it_is_refused(cli, staff, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": "Zły", "root": {"id": "boss", "kind": "forward", "target": {"user": 999999}}}')
    said = cli.run("scenario", "import", *C, "--number", "+48221234567", str(broken)).stdout
    assert "blocks publishing: boss: user 999999 does not exist in this company" in said.splitlines()
    error = cli.refused("scenario", "publish", *C, "--number", "+48221234567")
    assert "error: boss: user 999999 does not exist in this company" in error.splitlines()


def test_the_transfer_codes_change_and_switch_off_from_the_command_line(cli, staff):
    changed = cli.json("tenant", "update", *C, "--transfer-blind-code", "#5", "--transfer-attended-code", "",
                       "--record-code", "#6")
    assert (changed["transfer_blind_code"], changed["transfer_attended_code"], changed["record_code"]) == (
        "#5", None, "#6")


def test_the_right_to_record_on_demand_and_the_record_code_from_the_command_line(cli, staff):
    assert cli.json("user", "update", *C, "101", "--may-record-on-demand")["may_record_on_demand"] is True
    assert cli.json("user", "update", *C, "101", "--may-not-record-on-demand")["may_record_on_demand"] is False
    refused = cli.run("tenant", "update", *C, "--record-code", "*1", status=2)
    assert "record_code: the record code must start with the same key as the transfer codes" in refused.output
    assert cli.json("tenant", "update", *C, "--record-code", "")["record_code"] is None
