"""Every CSV we export opens in a spreadsheet without running a cell as a formula."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import pytest

from pbx.exports import safe_cell


@pytest.mark.parametrize("value,cell", [
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("+1+1", "'+1+1"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("\t", "'\t"),
    ("\r\n", "'\r\n"),
    ("+", "'+"),
    ("+48221000000", "+48221000000"),
    ("+48 221 000 000", "+48 221 000 000"),
    ("-5", "-5"),
    ("Anna =Kowalska", "Anna =Kowalska"),
    ("", ""),
    (None, ""),
    (42, "42"),
])
def test_cells_that_could_be_formulas_get_a_leading_quote(value, cell):
    assert safe_cell(value) == cell


def test_a_caller_id_from_the_network_starting_with_tab_or_cr_is_quoted_in_the_finance_csv(as_viewer, demo):
    from pbx import models
    from pbx.extensions import db

    started = datetime(2026, 1, 20, 9, 0, tzinfo=timezone.utc)
    db.session.add_all([
        models.CallRecord(tenant_id=demo.id, call_uuid="tab", main_number="+48221000000", caller="\t=HYPERLINK(1)",
                          started_at=started),
        models.CallRecord(tenant_id=demo.id, call_uuid="cr", main_number="+48221000000", caller="\r@SUM(1)",
                          destination="-1+1", started_at=started),
    ])
    db.session.commit()
    exported = as_viewer.get("/api/calls.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(exported, newline="")))
    assert sorted(row["caller"] for row in rows) == ["'\t=HYPERLINK(1)", "'\r@SUM(1)"]
    assert [row["destination"] for row in rows if row["destination"]] == ["'-1+1"]


def test_user_export_quotes_typed_formulas(as_owner, demo):
    from pbx import directory
    from pbx.extensions import db

    directory.add_user(demo, {"first_name": "=1+1", "last_name": "@Nowak", "email": "formula@firma-abc.example",
                              "description": "-1+2", "extension": "180"})
    db.session.commit()
    rows = list(csv.DictReader(io.StringIO(as_owner.get("/api/users.csv").get_data(as_text=True), newline="")))
    row = next(r for r in rows if r["extension"] == "180")
    assert (row["first_name"], row["last_name"], row["description"]) == ("'=1+1", "'@Nowak", "'-1+2")
