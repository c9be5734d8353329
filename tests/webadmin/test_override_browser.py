"""The temporary override and the schedule calendar in headless Chromium: set "closed until …" in the
editor, see it over the week, refused in the past, listed on the dashboard, ended now. Screenshots go to
/tmp/panel-shots/override-*.png."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.support.browser import chromium_page, needs_chromium, open_editor, shot, sign_in

pytestmark = needs_chromium


def test_closed_until_in_the_editor_calendar_and_dashboard(server):
    from playwright.sync_api import expect

    now = datetime.now(ZoneInfo("Europe/Warsaw"))
    until = (now + timedelta(days=1)).replace(hour=12, minute=0)
    with chromium_page() as page:
        sign_in(page, server)
        open_editor(page)
        page.get_by_role("button", name="Opublikuj").click()
        page.get_by_text("Opublikowano wersję 1.").wait_for()
        calendar = page.get_by_role("region", name="Kalendarz godzin")
        today = calendar.locator("[aria-current=date]")
        expect(today).to_have_attribute("data-day", now.strftime("%Y-%m-%d"))
        expect(calendar.locator(".cal-block.cal-open").first).to_be_visible()
        assert calendar.locator(".cal-block.cal-override").count() == 0

        page.get_by_role("button", name="Ustaw tymczasową zmianę").click()
        dialog = page.get_by_role("dialog")
        expect(dialog.get_by_label("Osoba")).to_be_hidden()
        dialog.get_by_label("Do kiedy").fill("2020-01-01T10:00")
        dialog.get_by_label("Powód").fill("Inwentaryzacja")
        dialog.get_by_role("button", name="Zapisz").click()
        expect(dialog.locator("[data-error-for=ends_at]")).to_contain_text("już minęło")
        dialog.get_by_label("Do kiedy").fill(until.strftime("%Y-%m-%dT%H:%M"))
        dialog.get_by_role("button", name="Zapisz").click()
        card = page.get_by_role("region", name="Tymczasowa zmiana")
        expect(card).to_contain_text(f"Zamknięte do {until:%Y-%m-%d} 12:00 — Inwentaryzacja")
        expect(calendar.locator(".cal-block.cal-override").first).to_be_visible()
        expect(calendar.locator(f"[data-day='{until:%Y-%m-%d}'] .cal-override")).to_contain_text("00:00–12:00")
        shot(page, "override-editor-week")

        calendar.get_by_role("button", name="Miesiąc").click()
        expect(calendar.locator(".cal-month [aria-current=date]")).to_have_count(1)
        shot(page, "override-calendar-month")

        page.get_by_role("link", name="Pulpit").click()
        overrides = page.get_by_role("region", name="Aktywne tymczasowe zmiany")
        expect(overrides).to_contain_text("+48221000000 Zamknięte do")
        shot(page, "override-dashboard")
        page.once("dialog", lambda d: d.accept())
        overrides.get_by_role("button", name="Zakończ teraz").click()
        expect(overrides).to_contain_text("Żaden numer nie ma teraz tymczasowej zmiany.")


def test_to_a_person_at_phone_width(server):
    from playwright.sync_api import expect

    until = (datetime.now(ZoneInfo("Europe/Warsaw")) + timedelta(days=2)).replace(hour=9, minute=30)
    with chromium_page(390, 844) as page:
        sign_in(page, server)
        page.goto(f"{server[0]}/#/scenario/1")
        page.get_by_role("heading", name="Scenariusz numeru +48221000000").wait_for()
        page.get_by_role("button", name="Ustaw tymczasową zmianę").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_label("Co robić z połączeniami").select_option("user")
        dialog.get_by_label("Osoba").select_option(label="Tomasz Wójcik")
        dialog.get_by_label("Do kiedy").fill(until.strftime("%Y-%m-%dT%H:%M"))
        dialog.get_by_role("button", name="Zapisz").click()
        card = page.get_by_role("region", name="Tymczasowa zmiana")
        expect(card).to_contain_text(f"Do Tomasz Wójcik do {until:%Y-%m-%d} 09:30")
        calendar = page.get_by_role("region", name="Kalendarz godzin")
        expect(calendar.locator("[aria-current=date] .cal-block.cal-override")).to_contain_text("Do")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        calendar.scroll_into_view_if_needed()
        shot(page, "override-phone")
        page.once("dialog", lambda d: d.accept())
        card.get_by_role("button", name="Zakończ teraz").click()
        expect(card).to_contain_text("Brak: połączenia idą zgodnie ze scenariuszem.")
