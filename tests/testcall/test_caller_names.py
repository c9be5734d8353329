"""A test call from a contact's number runs with the contact's name, as the switch's call would."""
from __future__ import annotations

from flask import current_app

from pbx import contacts, testcall
from pbx.demo import DEMO_MAIN_NUMBER
from pbx.extensions import db


def _call(demo, caller: str):
    return testcall.test_call(demo, DEMO_MAIN_NUMBER, caller, testcall.parse_at("2026-12-14T10:02", "Europe/Warsaw"),
                              "1", app=current_app._get_current_object())


def test_a_contact_calling_is_named_in_the_test_call(demo, published):
    contacts.add_contact(demo, {"name": "Hurtownia ${x} Nowak", "numbers": [{"number": "+48601000999"}]})
    db.session.commit()
    named = _call(demo, "0048601000999").result.variables
    assert named["effective_caller_id_name"] == "Hurtownia \uff04{x} Nowak"
    assert "effective_caller_id_name" not in _call(demo, "601000998").result.variables
