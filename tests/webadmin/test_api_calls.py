"""Call history, the finance CSV, today's figures and recordings through the REST API."""
from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from pbx import models
from pbx.extensions import db

UTC = timezone.utc


@pytest.fixture
def calls(demo):
    """Three calls around midnight in Warsaw (UTC+1 in winter), one answered by Piotr, one outgoing."""
    piotr = demo.users[1]
    rows = [
        models.CallRecord(tenant_id=demo.id, call_uuid="late", main_number="+48221000000", caller="+48600100200",
                          started_at=datetime(2026, 1, 14, 22, 30, tzinfo=UTC),  # 23:30 on the 14th in Warsaw
                          answered_at=datetime(2026, 1, 14, 22, 30, 10, tzinfo=UTC), answered_by_user_id=piotr.id,
                          talk_seconds=50, path=["hours:open", "main_menu:1", "sales"]),
        models.CallRecord(tenant_id=demo.id, call_uuid="early", main_number="+48221000000", caller="=cmd|x",
                          started_at=datetime(2026, 1, 14, 23, 30, tzinfo=UTC),  # 00:30 on the 15th in Warsaw
                          hangup_cause="NO_ANSWER"),
        models.CallRecord(tenant_id=demo.id, call_uuid="out", direction="out", main_number="+48229999999",
                          caller="+48502345678", destination="+48600999888",
                          started_at=datetime(2026, 1, 15, 9, 0, tzinfo=UTC)),
    ]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def _uuids(client, query=""):
    return [c["id"] for c in client.get(f"/api/calls{query}").get_json()]


def test_days_are_days_in_the_tenant_zone(as_viewer, calls):
    late, early, out = (c.id for c in calls)
    assert _uuids(as_viewer) == [out, early, late]
    assert _uuids(as_viewer, "?from=2026-01-14&to=2026-01-14") == [late]
    assert _uuids(as_viewer, "?from=2026-01-15") == [out, early]


def test_filters_by_user_and_main_number(as_viewer, calls, demo):
    late, early, _ = (c.id for c in calls)
    assert _uuids(as_viewer, f"?user={demo.users[1].id}") == [late]
    assert _uuids(as_viewer, f"?main_number={demo.main_numbers[0].id}") == [early, late]
    bad = as_viewer.get("/api/calls?from=yesterday")
    assert bad.status_code == 400 and "from" in bad.get_json()["fields"]


def test_finance_csv(as_viewer, calls):
    exported = as_viewer.get("/api/calls.csv?to=2026-01-14")
    assert exported.mimetype == "text/csv" and "calls_2026-01-14.csv" in exported.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert len(rows) == 1
    assert rows[0]["started_at"] == "2026-01-14 23:30:00+01:00"
    assert (rows[0]["answered_by"], rows[0]["talk_seconds"]) == ("Piotr Nowak", "50")
    assert rows[0]["path"] == "hours:open > main_menu:1 > sales"
    injected = as_viewer.get("/api/calls.csv?from=2026-01-15").get_data(as_text=True)
    assert "'=cmd|x" in injected  # a spreadsheet must not run a caller id as a formula


def test_an_export_past_the_row_limit_asks_for_a_shorter_period(as_viewer, calls, ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "EXPORT_MAX_ROWS", 2)
    refused = as_viewer.get("/api/calls.csv", headers={"Accept-Language": "pl"})
    assert refused.status_code == 422
    assert refused.get_json()["fields"]["to"] == [
        "Eksport obejmuje 3 połączenia; jeden plik mieści najwyżej 2 wiersze: wybierz krótszy okres (od, do) "
        "albo uruchom eksport w tle."]
    narrower = as_viewer.get("/api/calls.csv?from=2026-01-15")
    assert narrower.status_code == 200 and len(list(csv.DictReader(io.StringIO(narrower.get_data(as_text=True))))) == 2


def test_today_counts_answered_and_missed_incoming_calls(as_viewer, demo):
    now = datetime.now(UTC)
    db.session.add_all([
        models.CallRecord(tenant_id=demo.id, call_uuid="a", started_at=now, answered_at=now),
        models.CallRecord(tenant_id=demo.id, call_uuid="m", started_at=now),
        models.CallRecord(tenant_id=demo.id, call_uuid="o", started_at=now, direction="out"),
        models.CallRecord(tenant_id=demo.id, call_uuid="y", started_at=now - timedelta(days=2)),
    ])
    db.session.commit()
    today = as_viewer.get("/api/calls/today").get_json()
    assert (today["total"], today["answered"], today["missed"]) == (2, 1, 1)
    assert sum(h["answered"] + h["missed"] for h in today["hours"]) == 2


@pytest.mark.parametrize("zone", ["Europe/Warsaw", "Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_today_is_the_companys_day_and_nothing_dated_after_it(as_viewer, demo, zone):
    """UTC+14 and UTC-11: the company's day is rarely UTC's; records dated tomorrow or later
    (a switch whose clock runs ahead) are not today's."""
    demo.timezone = zone
    local = ZoneInfo(zone)
    day = datetime.now(local).date()
    midnight = datetime.combine(day, time.min, tzinfo=local)
    tomorrow = datetime.combine(day + timedelta(days=1), time.min, tzinfo=local)
    moments = {"first": midnight, "last": tomorrow - timedelta(seconds=1), "yesterday": midnight - timedelta(seconds=1),
               "tomorrow": tomorrow, "next week": tomorrow + timedelta(days=6)}
    db.session.add_all([models.CallRecord(tenant_id=demo.id, call_uuid=name, started_at=at.astimezone(UTC))
                        for name, at in moments.items()])
    db.session.commit()
    today = as_viewer.get("/api/calls/today").get_json()
    assert (today["date"], today["total"], today["missed"]) == (day.isoformat(), 2, 2)
    assert [(h["hour"], h["missed"]) for h in today["hours"] if h["missed"]] == [(0, 1), (23, 1)]


@pytest.fixture
def recording(demo, tmp_path):
    wav = tmp_path / "rec.wav"
    wav.write_bytes(b"RIFF....WAVEfmt recorded call")
    now = datetime.now(UTC)
    row = models.Recording(tenant_id=demo.id, call_uuid="late", caller='+48600"100\r\n200', local_path=str(wav),
                           created_at=now, expires_at=now + timedelta(days=90))
    db.session.add(row)
    db.session.commit()
    return row


def test_recording_download_and_legal_hold(as_editor, recording):
    listed = as_editor.get("/api/recordings").get_json()["recordings"]
    assert listed[0]["expires_at"] is not None
    downloaded = as_editor.get(f"/api/recordings/{recording.id}/audio?download=1")
    assert downloaded.data == b"RIFF....WAVEfmt recorded call"
    disposition = downloaded.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and disposition.endswith('_+48600100200.wav"')
    held = as_editor.post(f"/api/recordings/{recording.id}/legal-hold", json={"hold": True}).get_json()
    assert held["legal_hold"] is True and held["expires_at"] is None
