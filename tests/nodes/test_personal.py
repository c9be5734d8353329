from datetime import datetime

import pytest

from pbx.compiler import ScenarioInvalid
from pbx.dialplan.snapshot import ContactInfo
from pbx.nodes.personal import Personal
from tests.support.compiler import WARSAW, call, compiled, hangup, path_of, snapshot

AT = datetime(2026, 3, 3, 10, 0, tzinfo=WARSAW)
CONTACTS = {7: ContactInfo(7, "Jan Kowalski", ("+48600100200", "+442071234567"), ("Stali klienci",)),
            8: ContactInfo(8, "Ewa Nowak", ("+48600100300",), ())}
JAN = {"id": "hello_jan", "kind": "personal", "name": "Dzień dobry, Panie Janie", "prompt": 6,
       "contact_group": "stali klienci", "next": hangup("menu")}


def heard(root, caller, at=AT, contacts=CONTACTS):
    result = call(root, at=at, caller=caller, snap=snapshot(contacts=contacts))
    plays = [s.details["data"] for s in result.steps if s.kind == "execute" and s.details["application"] == "playback"]
    return path_of(result), plays


@pytest.mark.parametrize("caller", ["48600100200", "+48600100200", "600100200", "00442071234567"])
def test_a_contact_of_the_group_hears_it_whatever_the_number_form(caller):
    assert heard(JAN, caller) == (["hello_jan:played", "menu"], ["/centralka/3/6.wav"])


@pytest.mark.parametrize("caller", ["48600100300", "48600100201", "442071234568", ""])
def test_other_callers_go_on_without_it(caller):
    assert heard(JAN, caller) == (["hello_jan:skipped", "menu"], [])


def test_a_number_list_or_every_contact():
    vip = {**JAN, "contact_group": "", "list": 21}
    assert heard(vip, "48600100200")[0][0] == "hello_jan:played"
    assert heard(vip, "48600100300")[0][0] == "hello_jan:skipped"
    everyone = {**JAN, "contact_group": "", "all_contacts": True}
    assert heard(everyone, "48600100300")[0][0] == "hello_jan:played"
    assert heard(everyone, "48600100999")[0][0] == "hello_jan:skipped"


def test_with_dates_only_within_them():
    dated = {**JAN, "start": "2026-03-01T00:00", "end": "2026-03-03T09:00"}
    assert heard(dated, "48600100200", at=datetime(2026, 3, 3, 8, 59, tzinfo=WARSAW))[0][0] == "hello_jan:played"
    assert heard(dated, "48600100200", at=datetime(2026, 3, 3, 9, 0, tzinfo=WARSAW))[0][0] == "hello_jan:skipped"
    assert heard(dated, "48600100300", at=datetime(2026, 3, 2, 9, 0, tzinfo=WARSAW))[0][0] == "hello_jan:skipped"


@pytest.mark.parametrize("fields, words", [
    ({"list": 21}, "exactly one of"),
    ({"contact_group": ""}, "exactly one of"),
    ({"all_contacts": True}, "exactly one of"),
    ({"start": "2026-03-01T00:00"}, "both the start and the end"),
    ({"start": "2026-03-02T00:00", "end": "2026-03-01T00:00"}, "must be later than the start"),
    ({"contact_group": "", "list": 99}, "number list 99"),
])
def test_bad_input_is_an_error_of_the_node(fields, words):
    with pytest.raises(ScenarioInvalid) as error:
        compiled({**JAN, **fields}, snapshot(contacts=CONTACTS))
    assert error.value.errors[0].node_id == "hello_jan" and words in error.value.errors[0].message


def test_nobody_to_greet_is_a_warning():
    warnings = compiled(JAN, snapshot(contacts={})).warnings
    assert [w.message.code for w in warnings] == ["lint.personal_nobody"]
    assert compiled(JAN, snapshot(contacts=CONTACTS)).warnings == []


def test_the_tenants_words_never_reach_the_dialplan():
    contacts = {7: ContactInfo(7, "Jan ${x} $${hostname}", ("+48600100200",), ("${api(system rm)}",))}
    root = {**JAN, "name": "$${hostname} ${x}", "contact_group": "${api(system rm)}"}
    xml = compiled(root, snapshot(contacts=contacts)).xml.decode()
    assert "hostname" not in xml and "api(" not in xml and "${x}" not in xml
    assert heard(root, "48600100200", contacts=contacts)[0][0] == "hello_jan:played"


def test_a_test_call_tells_who_it_was_for():
    stop = {"at": 1.0, "outcome": "played", "label": "Dzień dobry, Panie Janie"}
    assert Personal().story(stop, JAN, [], None, "pl") == [
        (1.0, "Komunikat spersonalizowany „Dzień dobry, Panie Janie” dla: grupa kontaktów „stali klienci”: odtworzony")]
