"""Where an object is used, named in words, before it is changed or deleted; another company's objects stay hidden."""
from __future__ import annotations

from pbx import models
from pbx.extensions import db


def _user(demo, last_name: str) -> models.User:
    return next(u for u in demo.users if u.last_name == last_name)


def _group(demo, name: str) -> models.Group:
    return db.session.scalars(db.select(models.Group).where(models.Group.tenant_id == demo.id,
                                                            models.Group.name == name)).one()


SALES_ROUTE = [
    {"kind": "schedule", "name": "Godziny pracy", "branch": "open"},
    {"kind": "menu", "name": "Menu główne", "branch": "1"},
    {"kind": "forward", "name": "Sprzedaż", "branch": ""},
]


def test_a_group_member_names_the_group_and_the_live_menu_key_that_rings_it(as_editor, demo, published):
    member = _group(demo, "Sprzedaż").members[0].user
    body = as_editor.get(f"/api/users/{member.id}/usages").get_json()
    group = next(u for u in body["usages"] if u["where"] == "group")
    assert (group["name"], group["role"]) == ("Sprzedaż", "member")
    [route] = group["through"]
    assert route["route"] == SALES_ROUTE
    assert route["states"] == ["published", "draft"] and route["version"] == 1
    assert route["text"] == ("schedule 'Godziny pracy' open → menu 'Menu główne' 1 → forward 'Sprzedaż' "
                             f"(scenario of number {demo.main_numbers[0].number})")
    assert body["refused"] == []  # a member among others: deleting is allowed, after the question


def test_a_draft_only_use_is_told_apart_from_the_live_one(as_editor, demo):
    body = as_editor.get(f"/api/groups/{_group(demo, 'Księgowość').id}/usages").get_json()
    [place] = body["usages"]
    assert place["states"] == ["draft"] and place["version"] is None
    assert place["route"][-2] == {"kind": "menu", "name": "Menu główne", "branch": "2"}
    assert body["refused"]  # a draft naming the group still refuses its deletion


def test_a_box_names_its_nodes_and_the_fallbacks_that_end_in_it(as_owner, demo, published):
    box = demo.voicemail_boxes[0] if hasattr(demo, "voicemail_boxes") else db.session.scalars(
        db.select(models.VoicemailBox).where(models.VoicemailBox.tenant_id == demo.id)).first()
    _group(demo, "Sprzedaż").fallback_box_id = box.id
    demo.default_fallback_box_id = box.id
    db.session.commit()
    usages = as_owner.get(f"/api/voicemail-boxes/{box.id}/usages").get_json()["usages"]
    nodes = [u["route"][-1]["name"] for u in usages if u["where"] == "scenario"]
    assert len(nodes) == 4  # four voicemail nodes of the demo, all published
    assert {"where": "group", "name": "Sprzedaż", "role": "fallback", "text": "group Sprzedaż: its fallback"} in usages
    assert usages[-1] == {"where": "company", "role": "fallback", "text": "the company's default fallback"}


def test_an_announcement_and_a_number_list_say_where_they_are_used(as_viewer, demo):
    announcements = db.session.scalars(db.select(models.Announcement).where(
        models.Announcement.tenant_id == demo.id).order_by(models.Announcement.id)).all()
    closed = next(a for a in announcements if a.name == "Zamknięte")
    usages = as_viewer.get(f"/api/announcements/{closed.id}/usages").get_json()["usages"]
    assert [u["where"] for u in usages] == ["scenario", "box"]
    assert usages[1]["text"] == "voicemail box Poczta główna: its greeting"
    unused = models.NumberList(tenant_id=demo.id, name="Spam", kind="blacklist", patterns=["+48700*"])
    db.session.add(unused)
    db.session.commit()
    assert as_viewer.get(f"/api/number-lists/{unused.id}/usages").get_json() == {"usages": [], "refused": []}


def test_another_company_objects_are_not_found(as_stranger, stranger, demo):
    assert as_stranger.get(f"/api/users/{stranger.id}/usages").get_json() == {"usages": [], "refused": []}
    vip = models.NumberList(tenant_id=demo.id, name="VIP", kind="vip", patterns=["+48600*"])
    db.session.add(vip)
    db.session.commit()
    ids = {"users": demo.users[0].id, "groups": _group(demo, "Sprzedaż").id,
           "voicemail-boxes": db.session.scalars(db.select(models.VoicemailBox.id)).first(),
           "announcements": db.session.scalars(db.select(models.Announcement.id).where(
               models.Announcement.tenant_id == demo.id)).first(),
           "number-lists": vip.id, "main-numbers": demo.main_numbers[0].id}
    for collection, obj_id in ids.items():
        assert as_stranger.get(f"/api/{collection}/{obj_id}/usages").status_code == 404, collection
