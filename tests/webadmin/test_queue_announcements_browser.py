"""A queue's announcements set in the scenario editor, in headless Chromium: the admin turns the
forward "Sprzedaż" into a queue that tells callers their place only, every 45 s, in the male voice.
A screenshot is kept under /tmp/panel-shots/."""
from __future__ import annotations

from tests.support.browser import needs_chromium, open_editor, shot, sign_in

pytestmark = needs_chromium


def test_the_queue_announcements_are_set_in_the_forward_form_and_saved(page, server):
    from playwright.sync_api import expect

    from pbx import models
    from pbx.extensions import db

    _, app = server
    sign_in(page, server)
    open_editor(page)
    page.locator("[data-node=sales]").click()
    form = page.get_by_role("form", name="Węzeł sales")
    form.get_by_label("Kolejkowanie", exact=True).check()
    place = form.get_by_label("Komunikat o miejscu w kolejce („Jest Pan/Pani na 2. miejscu w kolejce”)")
    waiting = form.get_by_label("Komunikat o liczbie osób oczekujących przed dzwoniącym")
    every = form.get_by_label("Komunikaty co (s)")
    voice = form.get_by_label("Głos komunikatów w kolejce")
    expect(place).to_be_checked()  # what a queue announced before these settings, and its place
    expect(waiting).to_be_checked()
    expect(every).to_have_value("30")
    expect(voice).to_have_value("female")
    waiting.uncheck()
    every.fill("45")
    voice.select_option(label="męski")
    shot(page, "queue-announcements-in-the-forward-form")
    form.get_by_role("button", name="Zastosuj").click()
    expect(page.locator(".status")).to_contain_text("Niezapisane zmiany")
    page.get_by_role("button", name="Zapisz szkic").click()
    expect(page.locator(".status")).not_to_contain_text("Niezapisane zmiany")
    with app.app_context():
        number = db.session.scalars(db.select(models.MainNumber).where(models.MainNumber.number == "+48221000000")).one()
        sales = number.scenario.draft["root"]["open"]["next"]["options"]["1"]
    assert sales["queue"] == {"max_wait_seconds": 120, "announce_place": True, "announce_waiting": False,
                              "announce_every_seconds": 45, "voice": "male"}
