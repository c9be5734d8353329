"""A test call to a fax menu option: a fax machine's pages received and e-mailed, a person hung up on
after T.30's wait."""
from __future__ import annotations

import pytest

from pbx import models, scenarios
from pbx.demo import DEMO_MAIN_NUMBER
from pbx.extensions import db
from tests.conftest import sign_in


@pytest.fixture
def signed_in(demo, client, monkeypatch, tmp_path):
    monkeypatch.setitem(client.application.config, "PROMPTS_DIR", str(tmp_path))  # every prompt lasts 3 s
    scenario = demo.main_numbers[0].scenario
    box = db.session.scalars(db.select(models.VoicemailBox).where(models.VoicemailBox.tenant_id == demo.id)).first().id
    prompt = scenario.draft["root"]["open"]["prompt"]
    menu = {"id": "faxes", "kind": "menu", "name": "Faks albo rozmowa", "prompt": prompt,
            "options": {"9": {"id": "fax_in", "kind": "fax", "name": "Faksy", "box": box}},
            "no_input": {"id": "fax_auto", "kind": "fax", "box": box}}
    scenario.draft = {**scenario.draft, "root": menu}
    scenarios.publish(scenario, client.application.config)
    db.session.commit()
    sign_in(client, demo.users[0])
    return client


def _lines(client, **body):
    answer = client.post("/api/test-call", headers={"Accept-Language": "pl"}, json={
        "number": DEMO_MAIN_NUMBER, "from": "221000099", "at": "2026-12-14T10:02", **body})
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json(), [f"{line['time']} {line['text']}" for line in answer.get_json()["story"]["pl"]["lines"]]


def test_a_fax_machine_pressing_nothing_is_received_and_a_person_is_hung_up_on(signed_in):
    body, lines = _lines(signed_in, fax_pages=2)
    # two rounds of the menu unanswered, then training and twelve seconds a page
    assert lines[-3:] == ["0:16 Odbiór faksu do skrzynki „Poczta główna”",
                          "0:48 Odebrano faks (stron: 2), PDF wysłany e-mailem (odbiorców: 2)",
                          "0:48 Centrala kończy połączenie"]
    assert body["centralka_path"] == ";faxes:no_input;fax_auto"
    _, person = _lines(signed_in, keys="9")
    assert person[-3:-1] == ["0:01 Odbiór faksu do skrzynki „Poczta główna”",  # 9 pressed at once
                             "1:01 Brak faksu na linii (po 60 s), nic nie jest wysyłane"]
