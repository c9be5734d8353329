"""Exports for finance in headless Chromium: a refused download says why in words (on the Exports
page and on the call history's export link), a long period runs in the background and its file
downloads, a direct download for Polish Excel, and a scheduled export added, changed and deleted.
Screenshots go to /tmp/panel-shots/exports-*.png."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import openpyxl
import pytest

from tests.support.browser import needs_chromium, shot, sign_in

pytestmark = needs_chromium
REFUSED = "Eksport obejmuje 3 połączenia; jeden plik mieści najwyżej 2 wiersze"


@pytest.fixture(scope="module")
def calls(server):
    """Three calls of Firma ABC on 2.03.2026, one answered by Magdalena Kamińska; the task worker bound."""
    from pbx import models, tasks
    from pbx.extensions import db

    _, app = server
    with app.app_context():
        tenant = db.session.query(models.Tenant).one()
        kaminska = next(user for user in tenant.users if user.last_name == "Kamińska")
        start = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
        db.session.add_all([models.CallRecord(
            tenant_id=tenant.id, call_uuid=f"browser-{n}", main_number="+48221000000", caller=f"+4860010020{n}",
            started_at=start + timedelta(hours=n), answered_at=start + timedelta(hours=n, seconds=5) if n == 0 else None,
            answered_by_user_id=kaminska.id if n == 0 else None, talk_seconds=90 if n == 0 else 0) for n in range(3)])
        db.session.commit()
    saved = tasks._app, tasks.huey.immediate, tasks.huey.storage
    tasks.bind(app)  # the panel's process runs its background exports (TASK_QUEUE_URL=memory: at once)
    yield app
    tasks._app, tasks.huey.immediate, tasks.huey.storage = saved


def _period(page):
    form = page.get_by_role("form", name="Połączenia do pliku")
    form.get_by_label("Od dnia").fill("2026-03-01")
    form.get_by_label("Do dnia").fill("2026-03-31")
    return form


def test_refused_in_words_then_in_the_background_then_downloaded(server, page, calls, monkeypatch):
    from playwright.sync_api import expect

    monkeypatch.setitem(calls.config, "EXPORT_MAX_ROWS", 2)
    sign_in(page, server)
    page.get_by_role("navigation").get_by_role("link", name="Eksporty").click()
    page.get_by_role("heading", name="Eksporty dla księgowości").wait_for()
    form = _period(page)
    form.get_by_role("button", name="Pobierz plik").click()
    expect(page.get_by_role("alert")).to_contain_text(f"{REFUSED}: wybierz krótszy okres (od, do) albo uruchom "
                                                      "eksport w tle.")
    shot(page, "exports-refused")

    form.get_by_role("button", name="Uruchom w tle").click()
    jobs = page.get_by_role("region", name="Eksporty w tle")
    link = jobs.get_by_role("link", name="Pobierz (calls_2026-03-01_2026-03-31.xlsx)")
    expect(link).to_be_visible()
    expect(jobs).to_contain_text("Excel (XLSX)")
    shot(page, "exports-background")
    with page.expect_download() as downloaded:
        link.click()
    workbook = openpyxl.load_workbook(io.BytesIO(open(downloaded.value.path(), "rb").read()))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 4 and rows[1][0] == datetime(2026, 3, 2, 9, 0) and rows[1][8] == "Magdalena Kamińska"

    monkeypatch.setitem(calls.config, "EXPORT_MAX_ROWS", 100)
    form.get_by_label("Format").select_option(label="CSV dla polskiego Excela")
    with page.expect_download() as downloaded:
        form.get_by_role("button", name="Pobierz plik").click()
    data = open(downloaded.value.path(), "rb").read()
    assert downloaded.value.suggested_filename == "calls_2026-03-01_2026-03-31.csv" and data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert (rows[1][0], rows[1][8], rows[1][13]) == ("02.03.2026 09:00:00", "Magdalena Kamińska", "1,50")


def test_the_call_history_export_link_says_why_it_is_refused(server, page, calls, monkeypatch):
    from playwright.sync_api import expect

    monkeypatch.setitem(calls.config, "EXPORT_MAX_ROWS", 2)
    sign_in(page, server)
    page.get_by_role("navigation").get_by_role("link", name="Historia połączeń").click()
    page.get_by_role("link", name="Eksportuj (CSV)").click()
    expect(page.locator("#toast")).to_contain_text(REFUSED)
    assert page.url.endswith("#/calls")  # still the panel, not a JSON page
    shot(page, "exports-calls-refused")


def test_a_scheduled_export_added_changed_and_deleted(server, page, calls):
    from playwright.sync_api import expect

    sign_in(page, server)
    page.goto(f"{server[0]}/#/exports")
    schedules = page.get_by_role("region", name="Eksporty cykliczne")
    schedules.get_by_role("button", name="Dodaj eksport cykliczny").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Nazwa").fill("Księgowość co miesiąc")
    dialog.get_by_label("Adresy e-mail (po jednym w wierszu)").fill("biuro@rachunki.example\nnie-adres")
    dialog.get_by_label("Grupa").select_option(label="Księgowość")
    dialog.get_by_role("button", name="Zapisz").click()
    expect(dialog.locator("[data-error-for=recipients]")).to_contain_text("To nie jest poprawny adres e-mail.")
    dialog.get_by_label("Adresy e-mail (po jednym w wierszu)").fill("biuro@rachunki.example")
    dialog.get_by_role("button", name="Zapisz").click()
    row = schedules.get_by_role("row", name="Księgowość co miesiąc")
    expect(row).to_contain_text("co miesiąc (poprzedni miesiąc)")
    expect(row).to_contain_text("Excel (XLSX)")
    expect(row).to_contain_text("biuro@rachunki.example")
    expect(row).to_contain_text("jeszcze nie wysłano")
    expect(row.locator("td").nth(4)).to_have_text("Księgowość")
    shot(page, "exports-schedule")

    row.get_by_role("button", name="Edytuj").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Jak często").select_option(label="co tydzień (poprzedni tydzień)")
    dialog.get_by_role("button", name="Zapisz").click()
    expect(row).to_contain_text("co tydzień (poprzedni tydzień)")
    row.get_by_role("button", name="Usuń").click()
    page.get_by_role("dialog").get_by_role("button", name="Usuń").click()
    expect(schedules.get_by_role("row", name="Księgowość co miesiąc")).to_have_count(0)
