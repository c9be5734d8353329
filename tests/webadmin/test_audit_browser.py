"""The audit log in headless Chromium: who by name, what in words, before → after by label, filters, the version diff.
Screenshots go to /tmp/panel-shots/audit-*.png."""
from __future__ import annotations

import copy
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.support.browser import chromium_page, demo_panel, needs_chromium, sign_in

SHOTS = Path("/tmp/panel-shots")
pytestmark = needs_chromium


def _changes(tenant):
    """As the admin: rename a group, publish the scenario, shorten a ringing, publish again."""
    from flask import current_app

    from pbx import scenarios
    from pbx.audit import acting_as
    from pbx.demo import DEMO_ADMIN_EMAIL
    from pbx.extensions import db

    db.session.commit()  # the demo first, as "demo"
    db.session.expire_all()
    with acting_as(DEMO_ADMIN_EMAIL):
        next(g for g in tenant.groups if g.name == "Sprzedaż").name = "Sprzedaż B2B"
        scenario = tenant.main_numbers[0].scenario
        scenarios.publish(scenario, current_app.config)
        db.session.flush()
        draft = copy.deepcopy(scenario.draft)
        draft["root"]["open"]["next"]["options"]["1"]["ring_seconds"] = 25
        scenario.draft = draft
        scenarios.publish(scenario, current_app.config)


def _shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"audit-{name}.png"), full_page=True)


def _open_log(page, port, app):
    sign_in(page, (f"http://127.0.0.1:{port}", app))
    page.get_by_role("link", name="Dziennik zmian").click()
    page.get_by_role("heading", name="Dziennik zmian").wait_for()


def test_the_audit_log_reads_as_words_and_filters(tmp_path):
    with demo_panel(tmp_path, _changes) as (port, app, _), chromium_page() as page:
        _open_log(page, port, app)
        renamed = page.get_by_role("row", name=re.compile("Zmieniono grupę 'Sprzedaż B2B'"))
        expect(renamed).to_contain_text("Anna Kowalska")
        expect(renamed).to_contain_text("Nazwa: Sprzedaż → Sprzedaż B2B")
        published = page.get_by_role("row", name=re.compile("Opublikowano scenariusz numeru 22 100 00 00, wersja 2"))
        published.get_by_role("button", name="Pokaż zmiany w scenariuszu").click()
        expect(published).to_contain_text("Węzeł Sprzedaż: zmieniono czas dzwonienia z 40 na 25")
        text = page.locator("main").inner_text()
        assert "<extension" not in text and "ScenarioVersion" not in text and "GroupMember" not in text
        _shot(page, "log")

        today = datetime.now(ZoneInfo("Europe/Warsaw")).strftime("%d.%m.%Y")
        page.get_by_label("Osoba").select_option(label="Anna Kowalska")
        page.get_by_label("Rodzaj obiektu").select_option(label="Grupy")
        page.get_by_label("Od dnia").fill(today)
        page.get_by_role("button", name="Pokaż", exact=True).click()
        expect(page.locator("tbody tr")).to_have_count(1)
        expect(page.locator("tbody tr")).to_contain_text("Zmieniono grupę 'Sprzedaż B2B'")
        _shot(page, "filtered")

        page.get_by_label("Od dnia").fill("32.12.2026")
        page.get_by_role("button", name="Pokaż", exact=True).click()
        expect(page.locator(".field.invalid")).to_contain_text("'32.12.2026'")
        _shot(page, "bad-date")


def _noted(tenant):
    """As the admin: a group rung all at once, a SIP password viewed, a voicemail message deleted."""
    from datetime import timedelta, timezone

    from flask import current_app

    from pbx import models, recordings, sip_account
    from pbx.audit import acting_as
    from pbx.demo import DEMO_ADMIN_EMAIL
    from pbx.extensions import db

    db.session.commit()  # the demo first, as "demo"
    box = db.session.scalars(db.select(models.VoicemailBox).where(models.VoicemailBox.tenant_id == tenant.id)).first()
    left = datetime(2026, 7, 1, 6, 5, tzinfo=timezone.utc)  # 08:05 in Warsaw
    message = models.Recording(tenant_id=tenant.id, call_uuid="m1", kind="voicemail", caller="+48600100200",
                               local_path=str(Path(current_app.config["STORAGE_DIR"]) / "m1.wav"),
                               voicemail_box_id=box.id, created_at=left, expires_at=left + timedelta(days=9999))
    db.session.add(message)
    db.session.commit()
    with acting_as(DEMO_ADMIN_EMAIL):
        next(g for g in tenant.groups if g.name == "Sprzedaż").ring_mode = models.RingMode.SIMULTANEOUS
        sip_account.reveal(next(u for u in tenant.users if u.extension), current_app.config)
        recordings.delete_message(box, message, current_app.config)
    return box.name


def test_choices_a_viewed_password_and_a_deleted_message_in_words_in_both_languages(tmp_path):
    with demo_panel(tmp_path, _noted) as (port, app, box), chromium_page() as page:
        _open_log(page, port, app)
        ringing = page.get_by_role("row", name=re.compile("Zmieniono grupę 'Sprzedaż'"))
        expect(ringing).to_contain_text("Sposób dzwonienia: sekwencyjnie → jednocześnie")
        expect(page.get_by_role("row", name=re.compile("Wyświetlono hasło SIP użytkownika"))).to_contain_text(
            "Anna Kowalska")
        deleted = page.get_by_role("row", name=re.compile("Usunięto wiadomość głosową od 600 100 200"))
        expect(deleted).to_contain_text("Nagrana: 01.07.2026 08:05")
        expect(deleted).to_contain_text(f"Skrzynka głosowa: {box}")
        text = page.locator("main").inner_text()
        assert "sequential" not in text and "view" not in text and "summary" not in text
        _shot(page, "words")

        page.get_by_label("Język").select_option("en")
        page.get_by_role("heading", name="Audit log").wait_for()
        expect(page.get_by_role("row", name=re.compile("Changed group 'Sprzedaż'"))).to_contain_text(
            "Ringing: sequential → simultaneous")
        expect(page.get_by_role("row", name=re.compile("Viewed the SIP password of user"))).to_be_visible()
        expect(page.get_by_role("row", name=re.compile("Deleted a voicemail message from 600 100 200"))
               ).to_contain_text("Left at: 2026-07-01 08:05")
        _shot(page, "words-english")
