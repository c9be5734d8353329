"""A test call names the fallback a call reached: whose it is, and what it did."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from pbx import models, scenarios, testcall
from pbx.demo import DEMO_MAIN_NUMBER
from pbx.extensions import db


def test_a_forward_without_its_own_branch_is_told_as_the_groups_voicemail(demo):
    sales = demo.groups[0]
    box = db.session.scalars(select(models.VoicemailBox).where(models.VoicemailBox.tenant_id == demo.id)).one()
    sales.fallback_box_id = box.id
    scenario = demo.main_numbers[0].scenario
    tree = scenario.draft
    del tree["root"]["open"]["next"]["options"]["1"]["no_answer"]
    scenarios.save_draft(scenario, tree)
    scenarios.publish(scenario, current_app.config)
    db.session.commit()
    call = testcall.test_call(demo, DEMO_MAIN_NUMBER, "601000999",
                              testcall.parse_at("2026-12-14T10:02", "Europe/Warsaw"), "1",
                              app=current_app._get_current_object())
    assert call.centralka_path.endswith(f"sales:no_answer;fallback_group_{sales.id}")
    (stop,) = [p for p in call.path if p["kind"] == "fallback"]
    assert stop["text"].startswith("fallback of group Sprzedaż: voicemail, message ")
    assert stop["text"] in call.trace()
