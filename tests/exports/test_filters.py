"""Which calls an export holds: the filters, days in the company's zone, only the signed-in company,
and bad filters refused naming the parameter, in Polish too."""
from __future__ import annotations

import csv
import io

import pytest

from pbx import models
from pbx.extensions import db

PL = {"Accept-Language": "pl"}


def _callers(client, query: str = "") -> list[str]:
    response = client.get(f"/api/calls/export?format=csv&{query}")
    assert response.status_code == 200, response.get_json()
    return [row["caller"] for row in csv.DictReader(io.StringIO(response.get_data(as_text=True), newline=""))]


def _id(demo, model, **where):
    return next(obj.id for obj in db.session.query(model).filter_by(tenant_id=demo.id, **where))


def test_every_call_of_the_company_and_none_of_another(as_viewer, finance_calls):
    assert _callers(as_viewer) == ["+48600100200", "'=HYPERLINK(\"http://x\")", "105", "+48500500500"]


def test_days_are_warsaw_days(as_viewer, finance_calls):
    # 25.10 begins at 22:00 UTC on the 24th and ends 25 hours later
    assert _callers(as_viewer, "from=25.10.2026&to=25.10.2026") == ["105", "+48500500500"]
    assert _callers(as_viewer, "from=2026-03-29&to=2026-03-29") == ["+48600100200", "'=HYPERLINK(\"http://x\")"]
    assert _callers(as_viewer, "from=2026-03-30&to=2026-10-24") == []


def test_filters(as_viewer, demo, finance_calls):
    hotline = _id(demo, models.MainNumber, number="+48221000099")
    assert _callers(as_viewer, f"main_number={hotline}") == ["'=HYPERLINK(\"http://x\")"]
    nowak = _id(demo, models.User, last_name="Nowak")
    # he answered one call and was rung for the missed one
    assert _callers(as_viewer, f"user={nowak}") == ["'=HYPERLINK(\"http://x\")", "+48500500500"]
    accounting = _id(demo, models.Group, name="Księgowość")
    assert _callers(as_viewer, f"group={accounting}") == ["+48600100200"]
    assert _callers(as_viewer, "direction=out") == ["105"]
    assert _callers(as_viewer, "answered=false") == ["'=HYPERLINK(\"http://x\")"]
    assert _callers(as_viewer, "answered=true&direction=in&from=2026-10-01") == ["+48500500500"]


@pytest.mark.parametrize(("query", "field", "polish"), [
    ("from=32.12.2026", "from", "'32.12.2026' nie jest datą (np. 31.12.2026 albo 2026-12-31)."),
    ("from=2026-05-02&to=2026-05-01", "to", "Ostatni dzień jest wcześniejszy niż pierwszy."),
    ("format=pdf", "format", "Dozwolone wartości: csv, csv-excel, xlsx."),
    ("direction=sideways", "direction", "Dozwolone wartości: in, out, internal."),
    ("answered=maybe", "answered", "To nie jest wartość logiczna (prawda lub fałsz)."),
    ("user=abc", "user", "To nie jest liczba całkowita."),
])
def test_a_bad_filter_is_refused_naming_it(as_viewer, finance_calls, query, field, polish):
    english = as_viewer.get(f"/api/calls/export?{query}")
    assert english.status_code == 400 and list(english.get_json()["fields"]) == [field]
    assert as_viewer.get(f"/api/calls/export?{query}", headers=PL).get_json()["fields"][field] == [polish]


def test_a_filter_naming_another_companys_object_is_refused(as_viewer, stranger, finance_calls):
    foreign_number = db.session.query(models.MainNumber).filter_by(tenant_id=stranger.tenant_id).one()
    for field, value in (("main_number", foreign_number.id), ("user", stranger.id)):
        refused = as_viewer.get(f"/api/calls/export?{field}={value}", headers=PL)
        assert refused.status_code == 400 and list(refused.get_json()["fields"]) == [field]
    assert as_viewer.post("/api/exports?group=999999").status_code == 400


def test_the_other_company_sees_only_its_own_call(as_stranger, finance_calls):
    assert _callers(as_stranger) == ["+48700700700"]


def test_the_api_document_lists_the_filters(as_viewer):
    operation = as_viewer.get("/api/openapi.json").get_json()["paths"]["/api/calls/export"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"from", "to", "format", "lang", "main_number", "user", "group", "direction", "answered"} <= names
