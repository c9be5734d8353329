from datetime import datetime

import pytest

from pbx.compiler import ScenarioInvalid
from pbx.simulator.apps import fax as fax_apps
from pbx.dialplan.snapshot import BoxInfo
from tests.support.compiler import WARSAW, call, compiled, path_of, snapshot

AT = datetime(2026, 3, 3, 10, 0, tzinfo=WARSAW)
FAX = {"id": "fax_in", "kind": "fax", "box": 9}


def test_a_fax_machine_is_answered_with_t38_offered_and_its_pages_written_to_the_company_folder():
    result = call(FAX, at=AT, fax_pages=3, variables={"recordings_dir": "/var/rec"})
    apps = [(a["application"], a["data"]) for a in result.applications]
    assert apps[-6:] == [("answer", ""), ("set", "centralka_fax_box=9"), ("set", "fax_enable_t38=true"),
                         ("set", "fax_enable_t38_request=true"),
                         ("rxfax", f"/var/rec/3/fax_9_{result.variables['uuid']}.tif"),
                         ("hangup", "NORMAL_CLEARING")]
    assert result.answered
    assert (result.variables["fax_success"], result.variables["fax_result_code"],
            result.variables["fax_document_transferred_pages"]) == ("1", "0", "3")
    received = next(s for s in result.steps if s.kind == "fax_received")
    assert received.details["pages"] == 3
    # training, then twelve seconds a page, then the hang-up
    assert result.duration == pytest.approx(received.at)
    answered = next(s.at for s in result.steps if s.kind == "execute" and s.details["application"] == "rxfax")
    assert received.at - answered == fax_apps.TRAINING_SECONDS + 3 * fax_apps.PAGE_SECONDS
    assert path_of(result) == ["fax_in"]


def test_a_person_on_a_fax_line_is_hung_up_on_after_t0_with_spandsp_s_reason():
    result = call(FAX, at=AT)
    assert (result.variables["fax_success"], result.variables["fax_result_text"]) == \
        ("0", "Timed out waiting for initial communication")
    rxfax = next(s.at for s in result.steps if s.kind == "execute" and s.details["application"] == "rxfax")
    assert next(s.at for s in result.steps if s.kind == "fax_received") - rxfax == fax_apps.NO_FAX_SECONDS


def test_a_menu_key_leads_to_the_fax_and_an_unknown_box_is_an_error():
    menu = {"id": "m", "kind": "menu", "prompt": 5, "options": {"9": FAX}, "no_input": {"id": "bye", "kind": "hangup"}}
    result = call(menu, at=AT, keys=[(1.0, "9")], fax_pages=1)
    assert path_of(result) == ["m:9", "fax_in"]
    assert result.variables["fax_document_transferred_pages"] == "1"
    with pytest.raises(ScenarioInvalid, match="voicemail box 77"):
        compiled({"id": "fax_in", "kind": "fax", "box": 77})


def test_a_box_without_recipients_is_a_warning():
    quiet = snapshot(boxes={9: BoxInfo(9, 6, 120, name="Faksy")})
    assert [w.message for w in compiled(FAX, quiet).warnings] == [
        "box Faksy has no recipients: received faxes are e-mailed to nobody"]
    heard = snapshot(boxes={9: BoxInfo(9, 6, 120, name="Faksy", recipients=2)})
    assert compiled(FAX, heard).warnings == []
