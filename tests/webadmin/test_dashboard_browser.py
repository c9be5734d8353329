"""The dashboard's operations in headless Chromium, on a laptop and at phone width: a switch down for
ten minutes shown as a problem in words, the other connected with its last event and queue sync, today's
calls in a labelled chart with its table, and the storage the company uses. Screenshots go to
/tmp/panel-shots/dashboard-operations*.png."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from tests.support.browser import chromium_page, demo_panel, needs_chromium, shot, sign_in

pytestmark = needs_chromium


def _operations(tenant):
    """Two switches (one down for 10 minutes), three calls this past hour, two recordings and a voicemail;
    returns (now, when the calls began)."""
    from flask import current_app

    from pbx import models
    from pbx.extensions import db

    now = datetime.now(timezone.utc)
    # Earlier this hour, but never before today's midnight in Warsaw: today's chart shows the calls.
    calls_at = max(now.replace(minute=0, second=0, microsecond=0), now - timedelta(minutes=1))

    current_app.config["ESL_SERVERS"] = "10.0.0.5:8021:One,10.0.0.6:8021:Two"
    db.session.add_all([
        models.SwitchStatus(server="10.0.0.5:8021", connected=True, since=now - timedelta(hours=3),
                            last_event_at=now - timedelta(seconds=20), sync_state="in_line",
                            reported_at=now + timedelta(hours=1),  # still reporting however long the journeys take
                            sync_at=now - timedelta(hours=3)),
        models.SwitchStatus(server="10.0.0.6:8021", connected=False, since=now - timedelta(minutes=10),
                            reported_at=now - timedelta(minutes=10), sync_state="in_line",
                            sync_at=now - timedelta(hours=3)),
    ])
    for name, answered in (("a", True), ("b", True), ("c", False)):
        db.session.add(models.CallRecord(tenant_id=tenant.id, call_uuid=name, main_number="+48221000000",
                                         caller="+48600100200", started_at=calls_at,
                                         answered_at=calls_at if answered else None))
    for name, kind, size in (("a", "call", 1_200_000), ("b", "call", 800_000), ("c", "voicemail", 96_000)):
        db.session.add(models.Recording(tenant_id=tenant.id, call_uuid=name, kind=kind, size_bytes=size,
                                        local_path=f"/tmp/dashboard-{name}.wav", expires_at=now + timedelta(days=90)))
    return now, calls_at


@pytest.fixture(scope="module")
def operations_panel(tmp_path_factory):
    with demo_panel(tmp_path_factory.mktemp("panel"), _operations) as (port, app, moments):
        yield f"http://127.0.0.1:{port}", app, moments


@pytest.mark.parametrize("width, journey", [(1400, "dashboard-operations"), (390, "dashboard-operations-phone")])
def test_operations_on_the_dashboard(operations_panel, width, journey):
    from playwright.sync_api import expect

    base, app, (now, calls_at) = operations_panel
    with chromium_page(width, 900) as page:
        sign_in(page, (base, app))
        switches = page.get_by_role("region", name="Centrale telefoniczne")
        since = re.escape(_local(now - timedelta(minutes=10), page))
        expect(switches.get_by_role("alert")).to_have_text(re.compile(
            rf"Centrala 2 nie jest połączona od \d+ min \(od {since}\)\. Sprawdź, czy działa: do tego czasu historia"
            " połączeń, nagrania i e-maile z poczty głosowej mogą nie być zapisywane."))
        first = switches.get_by_role("listitem").filter(has_text="Centrala 1")
        expect(first).to_contain_text("połączona od ")
        expect(first).to_contain_text("ostatnie zdarzenie: ")
        expect(first).to_contain_text("kolejki: zgodne z opublikowaną konfiguracją")
        assert "10.0.0" not in switches.inner_text()

        day = calls_at.astimezone(ZoneInfo("Europe/Warsaw"))
        expect(page.get_by_role("heading", name=re.compile("^Dzisiaj"))).to_have_text(
            f"Dzisiaj ({day.day}.{day.month:02d}.{day.year})")
        chart = page.get_by_role("figure", name="Połączenia w godzinach")
        expect(chart.get_by_role("list", name="Legenda")).to_have_text("OdebraneNieodebrane")
        hour = day.hour
        row = chart.get_by_role("table", name="Połączenia w godzinach").get_by_role("row").nth(hour + 1)
        expect(row).to_have_text(f"{hour}:00–{hour + 1}:00" + "21")
        expect(chart.locator(".y-axis")).to_have_text("420")  # 3 calls that hour: the axis runs to 4
        expect(chart.locator(".x-title")).to_have_text("Godzina")

        storage = page.get_by_role("region", name="Miejsce na nagrania")
        expect(storage).to_contain_text("Nagrania rozmów2 (2 MB)")
        expect(storage).to_contain_text("Wiadomości w poczcie głosowej1 (96 kB)")
        expect(storage).to_contain_text("przechowywane 90 dni")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot(page, journey)


def _local(moment: datetime, page) -> str:
    """The time as the panel writes it (Polish, the company's zone)."""
    return page.evaluate("""(iso) => new Date(iso).toLocaleString("pl-PL",
        {dateStyle: "short", timeStyle: "short", timeZone: "Europe/Warsaw"})""", moment.isoformat())


def test_operations_in_english(operations_panel):
    from playwright.sync_api import expect

    with chromium_page() as page:
        sign_in(page, operations_panel[:2])
        page.get_by_label("Język").select_option("en")
        switches = page.get_by_role("region", name="Phone switches")
        expect(switches.get_by_role("alert")).to_contain_text(
            re.compile(r"Switch 2 has not been connected for \d+ min"))
        expect(switches.get_by_role("listitem").filter(has_text="Switch 1")).to_contain_text(
            "queues: in line with the published configuration")
        expect(page.get_by_role("figure", name="Calls per hour").get_by_role("list", name="Legend")).to_have_text(
            "AnsweredMissed")
        expect(page.get_by_role("region", name="Storage for recordings")).to_contain_text("Call recordings2 (2 MB)")
