"""People journeys in headless Chromium: a user's SIP account, deleting what live calls use, a voicemail inbox.

Screenshots: /tmp/panel-shots/people-*.png.
"""
from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.support.browser import chromium_page, demo_panel, needs_chromium, sign_in

SHOTS = "/tmp/panel-shots"
pytestmark = needs_chromium


def _prepare(folder):
    def prepare(tenant):
        from flask import current_app

        from pbx import models, scenarios
        from pbx.extensions import db

        scenarios.publish(db.session.scalars(db.select(models.Scenario).where(
            models.Scenario.tenant_id == tenant.id)).one(), current_app.config)
        box = db.session.scalars(db.select(models.VoicemailBox).where(models.VoicemailBox.tenant_id == tenant.id)).one()
        now = datetime.now(UTC)
        for i, caller in enumerate(["+48600100200", "+48500400300"]):
            wav = folder / f"vm{i}.wav"
            wav.write_bytes(b"RIFF$\x00\x00\x00WAVEfmt ")
            created = now - timedelta(hours=3 - i)
            db.session.add(models.Recording(
                tenant_id=tenant.id, call_uuid=f"vm-{i}", kind="voicemail", caller=caller, local_path=str(wav),
                duration_seconds=14 + i * 20, voicemail_box_id=box.id, created_at=created,
                expires_at=created + timedelta(days=90)))
        return box.id
    return prepare


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("people")
    with demo_panel(folder, _prepare(folder)) as (port, app, _):
        yield f"http://127.0.0.1:{port}", app


@pytest.fixture
def page(server):
    os.makedirs(SHOTS, exist_ok=True)
    with chromium_page() as tab:
        yield tab


def _db(server, query):
    from pbx.extensions import db

    with server[1].app_context():
        return query(db)


def _sip_password(server, last_name):
    from pbx import models

    return _db(server, lambda db: db.session.scalars(db.select(models.User.sip_password).where(
        models.User.last_name == last_name)).one())


def test_an_admin_shows_and_renews_a_users_sip_account(page, server):
    sign_in(page, server)
    page.get_by_role("link", name="Użytkownicy").click()
    page.get_by_role("row", name=re.compile("Katarzyna Wiśniewska")).get_by_role("button", name="Konto SIP").click()
    dialog = page.get_by_role("dialog", name="Konto SIP")
    dialog.get_by_text("t1.pbx.local:5060 (UDP)").wait_for()
    assert "103" in dialog.locator("dl").inner_text()
    old = _sip_password(server, "Wiśniewska")
    assert old not in dialog.inner_text()  # hidden until asked
    dialog.get_by_role("button", name="Pokaż hasło").click()
    dialog.get_by_text(old, exact=True).wait_for()
    assert f"password={old}" in dialog.locator("pre.snippet").inner_text()
    assert dialog.get_by_role("img", name="Kod QR z tymi ustawieniami").is_visible()
    page.screenshot(path=f"{SHOTS}/people-sip-account.png", full_page=True)
    dialog.get_by_role("button", name="Nadaj nowe hasło").click()
    confirm = page.get_by_role("dialog", name="Nadaj nowe hasło")
    confirm.get_by_text("telefon tej osoby trzeba będzie skonfigurować ponownie").wait_for()
    confirm.get_by_role("button", name="Nadaj nowe hasło").click()
    page.get_by_text("Nadano nowe hasło.").wait_for()
    new = _sip_password(server, "Wiśniewska")
    assert new != old
    dialog.get_by_text(new, exact=True).wait_for()


def test_deleting_a_group_member_names_the_live_menu_key_and_asks(page, server):
    sign_in(page, server)
    page.get_by_role("link", name="Użytkownicy").click()
    row = page.get_by_role("row", name=re.compile("Piotr Nowak"))
    row.get_by_role("button", name="Usuń").click()
    dialog = page.get_by_role("dialog", name="Usunąć „Piotr Nowak”?")
    place = dialog.locator("li").first
    assert place.inner_text() == (
        "członek grupy „Sprzedaż”, dzwonią do niej: Harmonogram „Godziny pracy” otwarte → Menu (IVR) „Menu główne” "
        "klawisz 1 → Przekierowanie „Sprzedaż” → grupa „Sprzedaż” (opublikowany scenariusz numeru +48221000000, "
        "wersja 1, i szkic)")
    page.screenshot(path=f"{SHOTS}/people-delete-member.png", full_page=True)
    dialog.get_by_role("button", name="Anuluj").click()
    row.wait_for()  # nothing deleted
    row.get_by_role("button", name="Usuń").click()
    page.get_by_role("dialog", name="Usunąć „Piotr Nowak”?").get_by_role("button", name="Usuń mimo to").click()
    page.get_by_text("Usunięto.").wait_for()
    expect(page.get_by_role("row", name=re.compile("Piotr Nowak"))).to_have_count(0)  # after the list reloads


def test_a_group_in_a_live_menu_cannot_be_deleted_and_a_change_asks_first(page, server):
    sign_in(page, server)
    page.get_by_role("link", name="Grupy").click()
    row = page.get_by_role("row", name=re.compile("Księgowość"))
    row.get_by_role("button", name="Usuń").click()
    dialog = page.get_by_role("dialog", name="Nie można usunąć „Księgowość”")
    assert "Menu (IVR) „Menu główne” klawisz 2 → Przekierowanie „Księgowość” → grupa „Księgowość”" in \
        dialog.locator("li").first.inner_text()
    page.screenshot(path=f"{SHOTS}/people-group-refused.png", full_page=True)
    dialog.get_by_role("button", name="Zamknij").click()
    row.get_by_role("button", name="Edytuj").click()
    form = page.get_by_role("dialog", name="Edytuj grupę")
    form.get_by_label("Nazwa").fill("Księgowość i kadry")
    form.get_by_role("button", name="Zapisz").click()
    ask = page.get_by_role("dialog", name="Zmienić „Księgowość”?")
    ask.get_by_text("klawisz 2").wait_for()
    page.screenshot(path=f"{SHOTS}/people-change-asks.png", full_page=True)
    ask.get_by_role("button", name="Anuluj").click()
    form.get_by_text("Nie zapisano.").wait_for()  # the form keeps the edit
    assert form.get_by_label("Nazwa").input_value() == "Księgowość i kadry"
    form.get_by_role("button", name="Zapisz").click()
    page.get_by_role("dialog", name="Zmienić „Księgowość”?").get_by_role("button", name="Zapisz zmianę").click()
    page.get_by_role("row", name=re.compile("Księgowość i kadry")).wait_for()


def _open_inbox(page, server):
    sign_in(page, server)
    page.goto(f"{server[0]}/#/voicemail")
    page.get_by_role("row", name=re.compile("Poczta główna")).get_by_role("button", name="Wiadomości").click()
    inbox = page.get_by_role("dialog", name="Wiadomości w skrzynce Poczta główna")
    inbox.get_by_text("Wiadomości są przechowywane 90 dni, potem usuwane automatycznie.").wait_for()
    return inbox


def test_the_voicemail_inbox_plays_marks_and_deletes(page, server):
    inbox = _open_inbox(page, server)
    rows = inbox.locator("tbody tr")
    assert rows.count() == 2 and "+48500400300" in rows.nth(0).inner_text()  # newest first
    assert "34 s" in rows.nth(0).inner_text() and "nowa" in rows.nth(0).inner_text()
    assert rows.nth(0).locator("audio").get_attribute("src").endswith("/audio")
    rows.nth(0).get_by_role("button", name="Oznacz jako odsłuchaną").click()
    inbox.get_by_role("button", name="Oznacz jako nową").wait_for()
    assert "odsłuchana" in inbox.locator("tbody tr").nth(0).inner_text()
    page.screenshot(path=f"{SHOTS}/people-inbox.png", full_page=True)
    rows.nth(1).get_by_role("button", name="Usuń").click()
    page.get_by_role("dialog", name=re.compile("Usunąć wiadomość od \\+48600100200")).get_by_role(
        "button", name="Usuń").click()
    page.get_by_text("Usunięto.").wait_for()
    expect(inbox.locator("tbody tr")).to_have_count(1)  # after the list reloads


def test_the_voicemail_inbox_fits_a_phone(server):
    with chromium_page(width=390, height=844) as page:
        inbox = _open_inbox(page, server)
        inbox.locator("tbody tr").first.wait_for()
        page.screenshot(path=f"{SHOTS}/people-inbox-phone.png", full_page=True)
        box = inbox.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
