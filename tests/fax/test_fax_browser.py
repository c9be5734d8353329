"""The faxes page in headless Chromium: a received fax is listed and opens as PDF; a PDF sent from the
form is listed as queued; a file that is no PDF is refused under its field in Polish.
Screenshots: /tmp/panel-shots/fax-*.png."""
from __future__ import annotations

import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.fax.test_send import pdf
from tests.support.browser import needs_chromium, shot, sign_in

pytestmark = needs_chromium
FIXTURES = Path(__file__).parents[1] / "fixtures" / "fax"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from pbx import models
    from pbx.extensions import db
    from tests.support.browser import demo_panel

    folder = tmp_path_factory.mktemp("panel")
    received = Path(shutil.copy(FIXTURES / "received_ecm.tif", folder / "fax_in.tif"))

    def a_received_fax(tenant):
        db.session.add(models.Fax(tenant_id=tenant.id, direction="in", status="received", number="48221000099",
                                  pages=2, call_uuid="0b9c5a64-9d5c-4c36-a0b4-5d7f1e0c0001", file_path=str(received),
                                  emailed_to=["anna@example.test"], created_at=datetime.now(timezone.utc)))

    with demo_panel(folder, a_received_fax) as (port, app, _):
        app.config.update(RECORDINGS_DIR="/var/lib/freeswitch/recordings", RECORDINGS_MOUNT=str(folder / "recordings"))
        yield f"http://127.0.0.1:{port}", app


@pytest.fixture
def page(server):
    from tests.support.browser import chromium_page

    with chromium_page() as tab:
        yield tab


def _violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page, as the accessibility suite counts them."""
    from tests.webadmin.test_accessibility_browser import _violations as found

    return found(page)


def _rows(page):
    return page.locator("#view tbody tr")


def test_a_received_fax_is_listed_and_a_pdf_is_sent_from_the_form(page, server):
    sign_in(page, server)
    page.get_by_role("navigation").get_by_role("link", name="Faksy").click()
    expect(page.get_by_role("heading", name="Faksy", level=1)).to_be_visible()
    received = _rows(page).filter(has_text="48221000099")
    expect(received).to_contain_text("odebrany")
    link = received.get_by_role("link", name="PDF")
    opened = page.request.get(server[0] + link.get_attribute("href"))  # with the signed-in session
    assert opened.headers["content-type"] == "application/pdf" and opened.body().startswith(b"%PDF-")
    form = page.get_by_role("form", name="Wyślij faks")
    form.get_by_label("Numer faksu").fill("22 100 00 98")
    form.get_by_label("Dokument PDF").set_input_files(
        files=[{"name": "oferta.pdf", "mimeType": "application/pdf", "buffer": pdf(2)}])
    shot(page, "fax-form")
    form.get_by_role("button", name="Wyślij").click()
    sent = _rows(page).filter(has_text="+48221000098")
    expect(sent).to_contain_text("wychodzący")
    expect(sent).to_contain_text("w kolejce")  # no switch here: it waits for the worker
    expect(sent.get_by_role("link", name="oferta.pdf")).to_be_visible()
    shot(page, "fax-list")
    assert _violations(page) == []


def test_a_file_that_is_no_pdf_is_refused_in_polish(page, server):
    sign_in(page, server)
    page.goto(f"{server[0]}/#/fax")
    form = page.get_by_role("form", name="Wyślij faks")
    form.get_by_label("Numer faksu").fill("22 100 00 97")
    form.get_by_label("Dokument PDF").set_input_files(
        files=[{"name": "skan.pdf", "mimeType": "application/pdf", "buffer": b"GIF89a not a pdf"}])
    form.get_by_role("button", name="Wyślij").click()
    expect(form.get_by_text("Ten plik nie jest prawidłowym dokumentem PDF")).to_be_visible()
    expect(_rows(page).filter(has_text="+48221000097")).to_have_count(0)
    shot(page, "fax-refused")


def test_a_fax_node_is_added_at_a_menu_key_and_published(page, server):
    from tests.support.browser import open_editor

    sign_in(page, server)
    open_editor(page)
    adder = page.locator(".empty-slot").filter(has=page.get_by_label("Gałąź (main_menu)"))
    adder.get_by_label("Gałąź (main_menu)").select_option("options.9")
    adder.get_by_label("Rodzaj węzła").select_option("fax")
    adder.get_by_role("button", name="+ Dodaj").click()
    form = page.get_by_role("form", name="Węzeł fax_1")
    form.wait_for()
    expect(page.locator("[data-node=fax_1]")).to_contain_text("Faks")
    form.locator("select").first.select_option(label="Poczta główna")
    form.get_by_role("button", name="Zastosuj").click()
    shot(page, "fax-editor")
    # A fax machine calling, tested in the saved draft: it presses 9 during the menu and sends 3 pages.
    page.get_by_role("button", name="Zapisz szkic").click()
    page.get_by_text("Szkic zapisany.").wait_for()
    panel = page.get_by_role("form", name="Połączenie testowe")
    panel.get_by_label(re.compile("Testuj zapisany szkic")).check()
    panel.get_by_label("Data i godzina").fill("2026-12-14T10:02")
    panel.get_by_label("Wciśnięte klawisze (np. 1 lub 2s:1)").fill("9")
    panel.get_by_label("Dzwoni faks: liczba stron").fill("3")
    panel.get_by_role("button", name="Zadzwoń testowo").click()
    story = page.locator("ol.story")
    expect(story).to_contain_text("Odbiór faksu do skrzynki „Poczta główna”")
    expect(story).to_contain_text("Odebrano faks (stron: 3), PDF wysłany e-mailem")
    shot(page, "fax-test-call")
    page.get_by_role("button", name="Opublikuj").click()
    ask = page.get_by_role("dialog", name="Opublikować mimo ostrzeżeń?")
    if ask.count():
        ask.get_by_role("button", name="Opublikuj mimo to").click()
    page.get_by_text(re.compile(r"Opublikowano wersję \d+\.")).wait_for()
