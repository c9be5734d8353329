"""The reports page in headless Chromium: charts drawn by Chart.js under the panel's Content-Security-Policy,
each with its table and CSV, in Polish and English, on a laptop and a 390 px phone.
Screenshots go to /tmp/panel-shots/reports-*.png."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.support.browser import chromium_page, demo_panel, needs_chromium, shot, sign_in
from tests.support.reports import add_reported_calls

pytestmark = needs_chromium
REPORTS = 11  # every report of /api/reports has its section
CHARTS = 10  # every report but the call-back list (a list of numbers to ring) has a chart


def _show_the_autumn_sunday(page):
    page.get_by_role("navigation").get_by_role("link", name="Raporty").click()
    _choose_the_autumn_sunday(page)


def _choose_the_autumn_sunday(page):
    page.locator("section.report").first.wait_for()
    page.locator("input[name=from]").fill("2026-10-25")
    page.locator("input[name=to]").fill("2026-10-25")
    with page.expect_response(re.compile(r"/api/reports/call-back\?")):
        page.locator("form.filters button[type=submit]").click()
    expect(page.locator("section.report")).to_have_count(REPORTS)


def _drawn_charts(page) -> int:
    """Canvases Chart.js drew on (a canvas left blank has no pixel with colour)."""
    return page.evaluate("""() => [...document.querySelectorAll('.report-chart canvas')].filter((canvas) => {
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 3; i < data.length; i += 4) if (data[i]) return true;
        return false; }).length""")


def test_a_manager_reads_the_charts_and_tables_in_polish_and_english(tmp_path):
    with demo_panel(tmp_path, add_reported_calls) as (port, app, _), chromium_page() as page:
        sign_in(page, (f"http://127.0.0.1:{port}", app))
        _show_the_autumn_sunday(page)
        outcomes = page.locator("section[data-report=outcomes]")
        expect(outcomes.get_by_role("heading")).to_have_text("Jak kończyły się połączenia przychodzące")
        expect(outcomes.locator("table")).to_contain_text("Poczta głosowa")
        expect(outcomes.locator("tbody td")).to_have_text(["5", "2", "1", "1", "1", "20", "30"])
        expect(page.locator("section[data-report=call-back] tbody tr")).to_have_count(2)
        expect(page.locator("section[data-report=groups]")).to_contain_text("Księgowość")
        expect(page.locator("section[data-report=branches]")).to_contain_text("brak odpowiedzi")
        expect(page.locator("section[data-report=queues] tbody")).to_contain_text("25 %")
        expect(page.locator(".heatmap .heat-4")).to_have_count(1)  # Sunday 2:00, both half past two calls
        assert _drawn_charts(page) == CHARTS
        link = page.locator("section[data-report=days] a[download]")
        assert re.search(r"format=csv&language=pl", link.get_attribute("href"))
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == "days_2026-10-25_2026-10-25.csv"
        shot(page, "reports-laptop")

        page.locator("#language").select_option("en")
        page.get_by_role("heading", name="Reports", exact=True).wait_for()
        _choose_the_autumn_sunday(page)
        expect(page.locator("section[data-report=outcomes] table")).to_contain_text("Voicemail")
        expect(page.locator("section[data-report=branches]")).to_contain_text("no answer")
        assert _drawn_charts(page) == CHARTS
        shot(page, "reports-laptop-en")


def test_the_reports_fit_a_phone(tmp_path):
    with demo_panel(tmp_path, add_reported_calls) as (port, app, _), chromium_page(width=390, height=844) as page:
        sign_in(page, (f"http://127.0.0.1:{port}", app))
        page.locator("#menu-toggle").click()
        _show_the_autumn_sunday(page)
        assert _drawn_charts(page) == CHARTS
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= 390, f"the page is {wide} px wide on a 390 px phone"
        shot(page, "reports-phone")


def test_a_bad_period_is_shown_at_its_field(tmp_path):
    with demo_panel(tmp_path) as (port, app, _), chromium_page() as page:
        sign_in(page, (f"http://127.0.0.1:{port}", app))
        page.get_by_role("navigation").get_by_role("link", name="Raporty").click()
        page.locator("section.report").first.wait_for()
        page.locator("input[name=from]").fill("2026-10-26")
        page.locator("input[name=to]").fill("2026-10-25")
        page.locator("form.filters button[type=submit]").click()
        expect(page.locator("[data-error-for=to]")).to_have_text(re.compile("Okres kończy się przed swoim początkiem"))
