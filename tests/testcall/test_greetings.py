"""A test call through occasional and personal greetings: the date and the caller decide what plays."""
from __future__ import annotations

from pbx.demo import tenant_announcements
from pbx.extensions import db
from tests.testcall.test_story import _call, _lines, signed_in  # noqa: F401 (a fixture)


def _greetings_first(demo):
    """Holiday wishes, then a greeting for the demo's regulars, then the demo's scenario as it was."""
    scenario = demo.main_numbers[0].scenario
    prompts = {a.name: a.id for a in tenant_announcements(demo)}
    scenario.draft = {"name": "Święta", "root": {
        "id": "xmas", "kind": "occasional", "name": "Życzenia świąteczne", "prompt": prompts["Powitanie"],
        "start": "24.12.2026 12:00", "end": "2026-12-27T00:00", "next": {
            "id": "regulars", "kind": "personal", "name": "Stali klienci", "prompt": prompts["Menu główne"],
            "contact_group": "Stali klienci", "next": {"id": "bye", "kind": "hangup"}}}}
    db.session.commit()


def prompt_of(demo) -> int:
    return next(a.id for a in tenant_announcements(demo) if a.name == "Powitanie")


def test_the_date_of_the_call_decides_the_occasional_greeting(signed_in, demo):
    _greetings_first(demo)
    on_the_day = _call(signed_in, draft=True, at="2026-12-24T12:00").get_json()
    assert on_the_day["centralka_path"] == ";xmas:played;regulars:skipped;bye", on_the_day
    assert _lines(on_the_day, "pl")[0] == \
        "0:00 Komunikat okazjonalny „Życzenia świąteczne” (od 24.12.2026 12:00 do 27.12.2026 00:00): odtworzony"
    assert [s["data"].rsplit("/", 1)[-1] for s in on_the_day["steps"]
            if s["kind"] == "execute" and s["application"] == "playback"] == [f"{prompt_of(demo)}.wav"]
    before = _call(signed_in, draft=True, at="2026-12-24T11:59").get_json()
    assert before["centralka_path"] == ";xmas:skipped;regulars:skipped;bye"
    assert _lines(before, "en")[0] == ("0:00 Occasional announcement “Życzenia świąteczne”: outside "
                                       "24.12.2026 12:00 to 27.12.2026 00:00, skipped")


def test_a_regular_from_the_address_book_hears_the_personal_greeting(signed_in, demo):
    _greetings_first(demo)
    jan = _call(signed_in, draft=True, **{"from": "0048 606 210 310"}).get_json()  # Jan Zieliński, a demo contact
    assert jan["centralka_path"] == ";xmas:skipped;regulars:played;bye", jan
    assert "0:00 Komunikat spersonalizowany „Stali klienci” dla: grupa kontaktów „Stali klienci”: odtworzony" \
        in _lines(jan, "pl")
