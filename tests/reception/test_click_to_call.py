"""Click to call from the contacts page: the admin's own SIP phone is rung through the switch it is
registered with, then the contact is dialled from it; refusals say why, and each try is audited."""
from __future__ import annotations


from pbx import contacts, models
from pbx.esl import commands
from pbx.extensions import db
from tests.reception.conftest import start_switch, use_switches

PL = {"Accept-Language": "pl"}


def _contact(demo) -> models.Contact:
    contact = contacts.add_contact(demo, {"name": "Anna Nowak", "numbers": [
        {"label": "komórka", "number": "+48600100200"}, {"label": "Londyn", "number": "+442071234567"}]})
    db.session.commit()
    return contact


def _registered(switch, demo, extension):
    switch.calls.registrations = [{"reg_user": extension, "realm": f"t{demo.id}.pbx.local", "url": "sofia/internal/x",
                                   "network_proto": "udp", "hostname": "fs1"}]


def test_the_admin_s_phone_rings_on_its_own_switch_then_the_contact_is_dialled(receptionist, switch, owner, demo, ctx):
    other = start_switch()  # the phone is registered with the second switch only
    use_switches(ctx, [switch, other])
    try:
        _registered(other, demo, owner.extension)
        contact = _contact(demo)
        answer = receptionist.post(f"/api/contacts/{contact.id}/call", json={"number": "+442071234567"}, headers=PL)
        assert answer.status_code == 200, answer.get_json()
        assert answer.get_json()["code"] == "contact.calling"
        assert switch.actions() == []
        assert other.actions() == [
            f"bgapi originate {{originate_timeout=30,user_name={owner.extension},origination_caller_id_number="
            f"{owner.extension}}}user/{owner.extension}@t{demo.id}.pbx.local 00442071234567 XML tenant_{demo.id}"]
    finally:
        other.server.stop()
    entry = db.session.scalars(db.select(models.AuditLogEntry).where(models.AuditLogEntry.action == "call")).one()
    assert (entry.entity, entry.entity_id, entry.changes["result"]["code"]) == ("Contact", str(contact.id),
                                                                               "reception.done")
    words = {e["what"] for e in receptionist.get("/api/audit", headers=PL).get_json()}
    assert "Wybrano z panelu kontakt 'Anna Nowak'" in words


def test_without_a_registered_phone_or_with_another_number_nothing_is_sent(receptionist, switch, owner, demo):
    contact = _contact(demo)
    refused = receptionist.post(f"/api/contacts/{contact.id}/call", json={})
    assert (refused.status_code, refused.get_json()["code"]) == (409, "contact.phone_not_registered")
    _registered(switch, demo, owner.extension)
    wrong = receptionist.post(f"/api/contacts/{contact.id}/call", json={"number": "+48600999999"})
    assert (wrong.status_code, wrong.get_json()["code"]) == (400, "contact.not_its_number")
    assert switch.actions() == []
    results = [e.changes["result"]["code"] for e in db.session.scalars(
        db.select(models.AuditLogEntry).where(models.AuditLogEntry.action == "call").order_by(models.AuditLogEntry.id))]
    assert results == ["contact.phone_not_registered", "contact.not_its_number"]


def test_the_first_number_is_called_when_none_is_chosen(receptionist, switch, owner, demo):
    _registered(switch, demo, owner.extension)
    contact = _contact(demo)
    assert receptionist.post(f"/api/contacts/{contact.id}/call", json={}).status_code == 200
    assert switch.actions()[0].endswith(f" 0048600100200 XML tenant_{demo.id}")


def test_another_company_s_contact_cannot_be_called(receptionist, switch, owner, demo, stranger):
    theirs = contacts.add_contact(db.session.get(models.Tenant, stranger.tenant_id),
                                  {"name": "Cudzy", "numbers": [{"number": "+48600000001"}]})
    db.session.commit()
    _registered(switch, demo, owner.extension)
    assert receptionist.post(f"/api/contacts/{theirs.id}/call", json={}).status_code == 404
    assert switch.actions() == []


def test_the_command_takes_nothing_but_digits_and_our_names():
    for bad in ({"extension": "101 x"}, {"domain": "t1 evil"}, {"digits": "48${x}"}, {"context": "default"}):
        args = {"extension": "101", "domain": "t1.pbx.local", "digits": "48600100200", "context": "tenant_1", **bad}
        try:
            commands.click_to_call(**args)
        except ValueError:
            continue
        raise AssertionError(f"{bad} reached the command")
    assert commands.click_to_call("101", "t1.pbx.local", "48600100200", "tenant_1").count(" ") == 5
