"""The scenario of a main number through the REST API: draft, check, publish, versions, diff, rollback."""
from __future__ import annotations



from pbx import models
from pbx.extensions import db


def test_draft_is_served_with_its_check(as_viewer, base):
    scenario = as_viewer.get(base).get_json()
    assert scenario["main_number"] == "+48221000000" and scenario["versions"] == []
    assert scenario["draft"]["root"]["id"] == "hours"
    assert scenario["check"]["ok"] is True and scenario["check"]["errors"] == []


def test_errors_and_warnings_name_their_nodes(as_editor, base, draft, demo):
    menu = draft["root"]["open"]["next"]
    del menu["invalid"]
    menu["options"]["1"]["target"] = {"group": 999999}
    saved = as_editor.put(f"{base}/draft", json=draft)
    assert saved.status_code == 200  # a draft may be unfinished
    check = saved.get_json()["check"]
    assert check["ok"] is False
    assert [e["node_id"] for e in check["errors"]] == ["sales"]
    assert "main_menu" in [w["node_id"] for w in check["warnings"]]
    refused = as_editor.post(f"{base}/publish")
    assert refused.status_code == 422 and list(refused.get_json()["fields"]) == ["sales"]
    assert demo.main_numbers[0].scenario.published_version_id is None


def test_unsaved_tree_is_checked_without_saving(as_viewer, base, draft, demo):
    draft["root"]["closed"]["next"]["box"] = 424242
    check = as_viewer.post(f"{base}/check", json=draft).get_json()
    assert [e["node_id"] for e in check["errors"]] == ["vm_closed"]
    db.session.expire_all()
    assert demo.main_numbers[0].scenario.draft["root"]["closed"]["next"]["box"] != 424242


def test_a_new_numbers_first_tree_is_checked_before_its_first_save(as_editor):
    """No false "has no scenario" error while the first tree is built; checking still stores nothing."""
    number = as_editor.post("/api/main-numbers", json={"number": "+48221000099", "label": "Nowy"}).get_json()
    tree = {"name": "Nowy", "root": {"id": "bye", "kind": "hangup"}}
    check = as_editor.post(f"/api/main-numbers/{number['id']}/scenario/check", json=tree).get_json()
    assert check["ok"] is True and check["errors"] == []
    broken = {"name": "Nowy", "root": {"id": "vm", "kind": "voicemail", "box": 424242}}
    found = as_editor.post(f"/api/main-numbers/{number['id']}/scenario/check", json=broken).get_json()
    assert [e["node_id"] for e in found["errors"]] == ["vm"]
    assert db.session.get(models.MainNumber, number["id"]).scenario is None
    assert as_editor.post(f"/api/main-numbers/{number['id']}/scenario/check").status_code == 404  # nothing saved


def test_draft_with_a_broken_shape_is_refused(as_editor, base):
    response = as_editor.put(f"{base}/draft", json={"name": "x", "root": {"kind": "menu"}})
    assert response.status_code == 422 and "root" in response.get_json()["fields"]


def test_publish_change_diff_and_roll_back(as_editor, base, draft, editor):
    first = as_editor.post(f"{base}/publish", json={"note": "start"})
    assert first.status_code == 201 and first.get_json()["number"] == 1
    draft["root"]["open"]["next"]["options"]["1"]["ring_seconds"] = 25
    as_editor.put(f"{base}/draft", json=draft)
    diff = as_editor.get(f"{base}/diff?from=1&to=draft").get_json()["lines"]
    assert diff == ["node Sprzedaż: ring time changed from 40 to 25"]
    second = as_editor.post(f"{base}/publish", json={"note": "shorter ringing"}).get_json()
    assert (second["number"], second["live"], second["created_by"]) == (2, True, editor.email)
    assert as_editor.get(f"{base}/diff?from=1&to=2").get_json()["lines"] == diff
    rolled = as_editor.post(f"{base}/rollback", json={"version": 1})
    assert rolled.status_code == 201 and rolled.get_json()["number"] == 3
    versions = as_editor.get(base).get_json()["versions"]
    assert [(v["number"], v["live"]) for v in versions] == [(3, True), (2, False), (1, False)]
    assert versions[0]["note"] == "rollback to version 1"
    assert as_editor.get(f"{base}/versions/3").get_json()["tree"]["root"]["open"]["next"]["options"]["1"]["ring_seconds"] == 40
    assert as_editor.get(f"{base}/diff?from=3&to=1").get_json()["lines"] == []


def test_missing_versions_and_bad_references(as_editor, base):
    assert as_editor.get(f"{base}/versions/7").status_code == 404
    assert as_editor.post(f"{base}/rollback", json={"version": 7}).status_code == 404
    assert as_editor.post(f"{base}/rollback", json={"version": "1"}).status_code == 422
    assert as_editor.get(f"{base}/diff?from=latest").status_code == 422


def test_a_number_without_scenario_gets_one_on_first_save(as_editor, demo):
    number = as_editor.post("/api/main-numbers", json={"number": "+48224440000"}).get_json()
    path = f"/api/main-numbers/{number['id']}/scenario"
    assert as_editor.get(path).get_json()["draft"] is None
    assert as_editor.post(f"{path}/publish").status_code == 404
    saved = as_editor.put(f"{path}/draft", json={"name": "Serwis", "root": {"id": "bye", "kind": "hangup"}})
    assert saved.get_json()["check"]["ok"] is True
    assert db.session.query(models.Scenario).filter_by(main_number_id=number["id"]).one().name == "Serwis"


def test_node_kinds_describe_branches(as_viewer):
    kinds = as_viewer.get("/api/node-kinds").get_json()
    assert (kinds["schedule"]["branches"], kinds["schedule"]["required"]) == (["open", "closed"], ["open", "closed"])
    assert kinds["forward"]["required"] == []  # a group's or the company's fallback may serve instead


def test_rollback_puts_the_rolled_back_tree_into_the_draft(as_editor, base, draft):
    """Otherwise the editor keeps showing the newer tree and the next publish silently undoes the rollback."""
    as_editor.post(f"{base}/publish")
    draft["root"]["open"]["next"]["options"]["1"]["ring_seconds"] = 25
    as_editor.put(f"{base}/draft", json=draft)
    as_editor.post(f"{base}/publish")
    rolled = as_editor.post(f"{base}/rollback", json={"version": 1}).get_json()
    assert rolled["draft"]["root"]["open"]["next"]["options"]["1"]["ring_seconds"] == 40
    served = as_editor.get(base).get_json()
    assert served["draft"] == rolled["draft"] == as_editor.get(f"{base}/versions/1").get_json()["tree"]
    assert as_editor.get(f"{base}/diff?from=3&to=draft").get_json()["lines"] == []
    again = as_editor.post(f"{base}/publish").get_json()
    assert as_editor.get(f"{base}/versions/{again['number']}").get_json()["tree"] == served["draft"]
