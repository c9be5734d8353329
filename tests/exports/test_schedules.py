"""Scheduled exports: listed, created, changed and deleted in the panel's API (audited), and each
past period e-mailed once per recipient by the task worker, through a real SMTP server (aiosmtpd),
however often the worker runs or restarts."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone
from email.header import decode_header, make_header

import openpyxl
import pytest
from sqlalchemy import select

from pbx import export_jobs, models
from pbx.extensions import db
from tests.exports.test_files import WORKBOOK

PL = {"Accept-Language": "pl"}
UTC = timezone.utc
FINANCE = ["ksiegowa@biuro-rachunkowe.example", "szef@firma-abc.example"]


@pytest.fixture
def monthly(as_editor, finance_calls):
    created = as_editor.post("/api/export-schedules", json={
        "name": "Finanse miesięcznie", "frequency": "monthly", "format": "xlsx", "recipients": FINANCE})
    assert created.status_code == 201, created.get_json()
    return db.session.get(models.ExportSchedule, created.get_json()["id"])


def _subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def _attachment(message):
    parts = [part for part in message.walk() if part.get_filename()]
    return (parts[0].get_filename(), parts[0].get_payload(decode=True)) if parts else None


def test_listed_created_changed_deleted_and_audited(as_editor, demo, finance_calls):
    sales = next(group for group in demo.groups if group.name == "Sprzedaż")
    created = as_editor.post("/api/export-schedules", json={
        "name": "Sprzedaż co tydzień", "frequency": "weekly", "format": "csv-excel", "recipients": FINANCE[:1],
        "group": sales.id, "direction": "in", "answered": True}).get_json()
    assert created["names"] == {"main_number": None, "user": None, "group": "Sprzedaż"}
    assert (created["group"], created["direction"], created["answered"]) == (sales.id, "in", True)
    changed = as_editor.patch(f"/api/export-schedules/{created['id']}", json={"frequency": "daily"}).get_json()
    assert (changed["frequency"], changed["group"], changed["recipients"]) == ("daily", sales.id, FINANCE[:1])
    assert [s["name"] for s in as_editor.get("/api/export-schedules").get_json()] == ["Sprzedaż co tydzień"]
    audit = as_editor.get("/api/audit?entity=ExportSchedule", headers=PL).get_json()
    assert [entry["what"] for entry in audit] == ["Zmieniono eksport cykliczny 'Sprzedaż co tydzień'",
                                                 "Dodano eksport cykliczny 'Sprzedaż co tydzień'"]
    assert {(f["label"], f["before"], f["after"]) for f in audit[0]["fields"]} == {("Jak często", "co tydzień", "codziennie")}
    added = {field["label"]: field["after"] for field in audit[1]["fields"]}
    assert added["Filtry"] == "Grupa: Sprzedaż, Kierunek: przychodzące, Odebrane: tak"
    assert added["Odbiorcy"] == FINANCE[0]
    assert as_editor.delete(f"/api/export-schedules/{created['id']}").status_code == 204
    assert as_editor.get("/api/export-schedules").get_json() == []
    assert as_editor.get("/api/audit?entity=ExportSchedule", headers=PL).get_json()[0]["what"] == \
        "Usunięto eksport cykliczny 'Sprzedaż co tydzień'"


def test_bad_schedules_are_refused_naming_the_field_in_polish(as_editor, stranger, finance_calls):
    refused = as_editor.post("/api/export-schedules", headers=PL, json={
        "name": "X", "frequency": "yearly", "recipients": ["nie-adres"], "user": stranger.id})
    assert refused.status_code == 422
    assert refused.get_json()["fields"] == {
        "frequency": ["Dozwolone wartości: daily, weekly, monthly."],
        "recipients": {"0": ["To nie jest poprawny adres e-mail."]},
        "user": [f"Użytkownik {stranger.id} nie istnieje w tej firmie."]}


def test_a_viewer_sees_schedules_but_may_not_change_them(client, viewer, monthly):
    from tests.conftest import sign_in

    sign_in(client, viewer)
    assert [s["name"] for s in client.get("/api/export-schedules").get_json()] == ["Finanse miesięcznie"]
    assert client.delete(f"/api/export-schedules/{monthly.id}").status_code == 403


def test_each_month_is_sent_once_to_each_address_with_the_workbook_attached(ctx, smtp, monthly):
    november = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
    assert export_jobs.send_due(ctx.config, november) == 2
    assert export_jobs.send_due(ctx.config, november) == 0  # the worker runs every hour: nothing more
    assert sorted(m["To"] for m in smtp.messages) == FINANCE
    message = smtp.messages[0]
    assert _subject(message) == "Eksport połączeń: Finanse miesięcznie, 01.10.2026 – 31.10.2026"
    name, data = _attachment(message)
    assert name == "calls_2026-10-01_2026-10-31.xlsx"
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[1:] == WORKBOOK[2:]  # October's two calls, in Warsaw time
    db.session.refresh(monthly)
    assert monthly.last_period_sent == date(2026, 10, 1)


def test_a_restarted_worker_sends_only_what_did_not_go_out(ctx, smtp, monthly):
    # the worker had sent October to the first address, then stopped
    db.session.add(models.ExportDelivery(schedule_id=monthly.id, period_start=date(2026, 10, 1), email=FINANCE[0],
                                         sent_at=datetime(2026, 11, 1, 0, 5, tzinfo=UTC), attempts=0, last_error=""))
    db.session.commit()
    assert export_jobs.send_due(ctx.config, datetime(2026, 11, 1, 1, 0, tzinfo=UTC)) == 1
    assert [m["To"] for m in smtp.messages] == [FINANCE[1]]


def test_while_the_mail_server_is_down_the_period_waits(ctx, smtp, monthly):
    smtp.stop()
    assert export_jobs.send_due(ctx.config, datetime(2026, 11, 1, 1, 0, tzinfo=UTC)) == 0
    db.session.refresh(monthly)
    assert monthly.last_period_sent is None
    attempts = db.session.scalars(select(models.ExportDelivery.attempts)).all()
    assert attempts == [1, 1]
    smtp.start()
    assert export_jobs.send_due(ctx.config, datetime(2026, 11, 1, 2, 0, tzinfo=UTC)) == 2
    assert len(smtp.messages) == 2
    # December goes out in January, after a stop of the worker: once
    assert export_jobs.send_due(ctx.config, datetime(2027, 1, 15, 2, 0, tzinfo=UTC)) == 4  # November, December
    assert [_subject(m)[-23:] for m in smtp.messages[2:]] == ["01.11.2026 – 30.11.2026"] * 2 + \
        ["01.12.2026 – 31.12.2026"] * 2


def test_days_are_the_companys_days(ctx, smtp, as_editor, finance_calls):
    as_editor.post("/api/export-schedules", json={
        "name": "Dziennie", "frequency": "daily", "format": "csv", "recipients": FINANCE[:1]})
    # 23:30 UTC on the 25th is already 26.10 in Warsaw: the 25th (25 hours long) is complete
    assert export_jobs.send_due(ctx.config, datetime(2026, 10, 25, 23, 30, tzinfo=UTC)) == 1
    name, data = _attachment(smtp.messages[0])
    assert name == "calls_2026-10-25_2026-10-25.csv"
    assert data.decode().count("\r\n") == 3  # the header and both calls at 02:30


def test_a_file_too_big_to_attach_is_linked_in_the_panel(ctx, smtp, monthly, monkeypatch):
    monkeypatch.setitem(ctx.config, "EXPORT_ATTACH_MAX_BYTES", 100)
    monkeypatch.setitem(ctx.config, "PANEL_URL", "https://pbx.firma-abc.example/")
    assert export_jobs.send_due(ctx.config, datetime(2026, 11, 3, 8, 0, tzinfo=UTC)) == 2
    message = smtp.messages[0]
    assert _attachment(message) is None
    assert "https://pbx.firma-abc.example/#/exports" in message.get_payload(decode=True).decode()
    job = db.session.scalars(select(models.ExportJob)).one()
    assert (job.status, job.rows_total, job.requested_by) == ("done", 2, "scheduled export Finanse miesięcznie")


def test_the_hourly_task_sends_the_last_month(ctx, smtp, monthly):
    from pbx import tasks

    saved = tasks._app, tasks.huey.immediate
    tasks.bind(ctx)
    tasks.configure("memory", ctx.instance_path)
    try:
        tasks.send_scheduled_exports.call_local()
    finally:
        tasks._app, tasks.huey.immediate = saved
    assert sorted(m["To"] for m in smtp.messages) == FINANCE


def test_a_schedule_whose_filter_is_gone_does_not_stop_the_others(ctx, smtp, as_editor, demo, monthly):
    nowak = next(user for user in demo.users if user.last_name == "Nowak")
    as_editor.post("/api/export-schedules", json={
        "name": "Nowak", "frequency": "monthly", "format": "csv", "recipients": FINANCE[:1], "user": nowak.id})
    db.session.delete(db.session.get(models.User, nowak.id))
    db.session.commit()
    assert export_jobs.send_due(ctx.config, datetime(2026, 11, 3, 8, 0, tzinfo=UTC)) == 2
    assert {_subject(m).split(",")[0] for m in smtp.messages} == {"Eksport połączeń: Finanse miesięcznie"}
