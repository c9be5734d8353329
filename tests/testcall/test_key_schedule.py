"""Untimed keys are pressed at the menu's first prompt, also when the menu's no-input branch leads back to it."""
from __future__ import annotations

import copy

import pytest
from flask import current_app

from pbx import scenarios
from pbx.commands import simulate as simulate_command
from pbx.demo import DEMO_MAIN_NUMBER
from pbx.extensions import db

AT = "2026-12-07T10:00"  # a Monday, open


@pytest.fixture
def looping_menu(demo):
    """The demo scenario whose menu, when nobody presses anything, plays itself again (and again)."""
    scenario = demo.main_numbers[0].scenario
    tree = copy.deepcopy(scenario.draft)
    menu = tree["root"]["open"]["next"]
    menu["no_input"] = {"id": "again", "kind": "goto", "target": "main_menu"}
    scenario.draft = tree
    scenarios.publish(scenario, current_app.config)
    db.session.commit()
    return demo


def cli(*args):
    from flask import current_app

    return current_app.test_cli_runner().invoke(simulate_command.command, list(args))


@pytest.mark.parametrize("keys", ["1", "5s:1"])
def test_cli_presses_1_at_the_first_menu_prompt(looping_menu, keys):
    result = cli("--number", DEMO_MAIN_NUMBER, "--from", "601000999", "--at", AT, "--keys", keys)
    assert result.exit_code == 0, result.output
    assert "menu Menu główne: 1 → Sprzedaż" in result.output
    assert "transfer loop" not in result.output


def test_api_presses_1_at_the_first_menu_prompt(looping_menu, as_owner):
    response = as_owner.post("/api/test-call", json={"number": DEMO_MAIN_NUMBER, "from": "601000999", "at": AT,
                                                     "keys": "1"})
    assert response.status_code == 200, response.get_json()
    call = response.get_json()
    assert call["unused_keys"] == []
    menu = next(stop for stop in call["path"] if stop.get("kind") == "menu")
    assert "1" in str(menu) and "Sprzedaż" in str(call["path"])
    # the key went in a second after the menu's first prompt began, not after a loop of prompts
    [key] = call["keys"]
    first_prompt = min(s["at"] for s in call["steps"] if s.get("application") == "read")
    assert key == {"at": first_prompt + 1.0, "digits": "1"}


def test_a_menu_that_loops_forever_without_keys_still_says_so(looping_menu):
    result = cli("--number", DEMO_MAIN_NUMBER, "--from", "601000999", "--at", AT)
    assert result.exit_code == 2 and "transfer loop" in result.output
