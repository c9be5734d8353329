"""Input validation: every problem reported per field, nothing stored on failure."""
import pytest
from marshmallow import ValidationError
from sqlalchemy import func, select

from pbx import directory, models
from pbx.extensions import db
from schemas.fields import normalise_phone


@pytest.mark.parametrize("text, expected", [
    ("501 234 567", "+48501234567"),
    ("22 555 01 05", "+48225550105"),
    ("(22) 555-01-05", "+48225550105"),
    ("+48 501 234 567", "+48501234567"),
    ("0048501234567", "+48501234567"),
    ("48221000000", "+48221000000"),
    ("+44 20 7946 0958", "+442079460958"),
    ("+1 212 555 0123", "+12125550123"),
    ("+48 800 12", None),  # too short for any Polish number
])
def test_phone_numbers_are_normalised_to_e164(text, expected):
    if expected is None:
        with pytest.raises(ValidationError):
            normalise_phone(text)
    else:
        assert normalise_phone(text) == expected


@pytest.mark.parametrize("text, fragment", [
    ("50123456a", "letters"),
    ("0800-FLOWERS", "letters"),
    ("12345", "digits"),
    ("5012345678", "digits"),
    ("+48 12", "not a valid number"),
    ("", "required"),
    ("501;234", "only digits"),
    ("${destination_number}", "letters"),
])
def test_bad_phone_numbers_are_rejected_with_a_reason(text, fragment):
    with pytest.raises(ValidationError) as info:
        normalise_phone(text)
    assert fragment in str(info.value.messages)


def _user(**overrides):
    data = {"first_name": "Jan", "last_name": "Kowalski", "email": "jan@example.com", "phone": "600 100 200"}
    data.update(overrides)
    return data


def test_every_field_problem_is_reported_at_once(demo):
    with pytest.raises(ValidationError) as info:
        directory.add_user(demo, _user(email="nope", phone="12ab", extension="1", first_name="", role="boss"))
    assert set(info.value.messages) == {"email", "phone", "extension", "first_name", "role"}


def test_extension_unique_across_users_and_groups(demo):
    with pytest.raises(ValidationError) as info:
        directory.add_user(demo, _user(extension="200"))  # the Sprzedaż group's extension
    assert "already used by a group" in str(info.value.messages["extension"])
    with pytest.raises(ValidationError) as info:
        directory.add_group(demo, {"name": "Serwis", "extension": "101"})  # Anna's extension
    assert "already used by a user" in str(info.value.messages["extension"])


def test_same_extension_allowed_in_another_tenant(demo):
    other = directory.create_tenant({"name": "Inna Firma"})
    user = directory.add_user(other, _user(extension="101"))
    assert user.extension == "101"


def test_group_members_must_belong_to_the_tenant(demo):
    other = directory.create_tenant({"name": "Inna Firma"})
    stranger = directory.add_user(other, _user())
    db.session.commit()
    with pytest.raises(ValidationError) as info:
        directory.add_group(demo, {"name": "Mieszana", "members": [{"user_id": stranger.id}]})
    assert "does not exist in this company" in str(info.value.messages["members"])


def test_voicemail_box_cannot_mail_users_of_another_tenant(demo):
    other = directory.create_tenant({"name": "Inna Firma"})
    stranger = directory.add_user(other, _user())
    with pytest.raises(ValidationError) as info:
        directory.add_voicemail_box(demo, {"name": "Skrzynka", "recipient_ids": [stranger.id]})
    assert "recipient_ids" in info.value.messages


def test_main_number_cannot_target_another_tenants_group(demo):
    other = directory.create_tenant({"name": "Inna Firma"})
    foreign_group = directory.add_group(other, {"name": "Obca"})
    with pytest.raises(ValidationError) as info:
        directory.add_main_number(demo, {"number": "+48221000001", "target_group_id": foreign_group.id})
    assert "target_group_id" in info.value.messages


def test_main_number_is_unique_everywhere_and_normalised(demo):
    other = directory.create_tenant({"name": "Inna Firma"})
    with pytest.raises(ValidationError) as info:
        directory.add_main_number(other, {"number": "22 100 00 00"})
    assert "already a main number" in str(info.value.messages["number"])
    added = directory.add_main_number(other, {"number": "22 100 00 01"})
    assert added.number == "+48221000001" and added.is_primary


@pytest.mark.parametrize("zone, ok", [("Europe/Warsaw", True), ("America/New_York", True),
                                      ("Mars/Olympus", False), ("CET;DROP", False)])
def test_tenant_time_zone_must_be_iana(ctx, zone, ok):
    if ok:
        assert directory.create_tenant({"name": f"Firma {zone}", "timezone": zone}).timezone == zone
    else:
        with pytest.raises(ValidationError) as info:
            directory.create_tenant({"name": "Firma X", "timezone": zone})
        assert "IANA" in str(info.value.messages["timezone"])


def test_names_reject_control_characters_and_overlong_text(ctx):
    with pytest.raises(ValidationError) as info:
        directory.create_tenant({"name": "Firma\nABC"})
    assert "control character" in str(info.value.messages["name"])
    with pytest.raises(ValidationError):
        directory.create_tenant({"name": "x" * 121})


def test_number_list_patterns(demo):
    lst = directory.add_number_list(demo, {"name": "VIP", "kind": "vip",
                                           "patterns": ["501 234 567", "+4822*", "0044 20*"]})
    assert lst.patterns == ["+48501234567", "+4822*", "+4420*"]
    with pytest.raises(ValidationError) as info:
        directory.add_number_list(demo, {"name": "Zła", "kind": "blacklist", "patterns": ["abc", "+48|1*"]})
    assert set(info.value.messages["patterns"]) == {0, 1}


def test_failed_validation_stores_nothing(demo):
    before = db.session.scalar(select(func.count()).select_from(models.User))
    with pytest.raises(ValidationError):
        directory.add_user(demo, _user(extension="101"))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(models.User)) == before


def test_group_members_can_be_reordered_and_default_their_ring_time(demo):
    sales = next(g for g in demo.groups if g.name == "Sprzedaż")
    first, second = [m.user_id for m in sales.members]
    directory.update_group(demo, sales.id, {"members": [{"user_id": second}, {"user_id": first, "ring_seconds": 35}]})
    db.session.commit()
    db.session.refresh(sales)
    assert [(m.user_id, m.ring_seconds, m.position) for m in sales.members] == [(second, 20, 0), (first, 35, 1)]
