"""Fallbacks of groups, main numbers and the company through ``centralka``."""
from __future__ import annotations

from tests.cli.test_objects import C, add_user


def test_fallbacks_of_a_group_a_main_number_and_the_company(cli, company):
    add_user(cli, "Anna", "101")
    box = cli.json("box", "add", *C, "--name", "Biuro", "--recipient", "101")
    group = cli.json("group", "add", *C, "--name", "Sekretariat", "--member", "101", "--fallback-box", "Biuro")
    assert (group["fallback_box_id"], group["fallback_number"]) == (box["id"], None)
    # A number replaces the box: a call has one place to go.
    changed = cli.json("group", "update", *C, "Sekretariat", "--fallback-number", "600 700 800")
    assert (changed["fallback_box_id"], changed["fallback_number"]) == (None, "+48600700800")
    number = cli.json("main-number", "add", *C, "22 765 43 21", "--group", "Sekretariat", "--fallback-box", "Biuro")
    assert number["fallback_box_id"] == box["id"]
    assert cli.json("main-number", "update", *C, "+48227654321", "--fallback-box", "")["fallback_box_id"] is None
    settings = cli.json("tenant", "update", *C, "--default-fallback-box", "Biuro")
    assert (settings["default_fallback_box_id"], settings["fallback_number"]) == (box["id"], None)
    assert "Biuro" in cli.refused("box", "remove", *C, "Biuro")


def test_an_unknown_fallback_box_is_refused(cli, company):
    assert "has no voicemail box 'Nikt'" in cli.refused("group", "add", *C, "--name", "X", "--fallback-box", "Nikt")
