"""The contacts page in headless Chromium: a contact added through the form shows in the list and is
found by search, its call button answers in words; a vCard import adds its contacts, a wrong one
stores nothing and says which.
Screenshots: /tmp/panel-shots/contacts-*.png."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.support.browser import needs_chromium, shot, sign_in

pytestmark = needs_chromium
CARD = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jan Kowalski\r\nORG:Hurtownia\r\nTEL;TYPE=CELL:600 100 200\r\n"
        "CATEGORIES:VIP\r\nEND:VCARD\r\n")


def _rows(page):
    return page.locator("#view tbody tr")


def test_a_contact_is_added_and_seen_in_the_list(page, server):
    sign_in(page, server)
    page.get_by_role("navigation").get_by_role("link", name="Kontakty").click()
    expect(page.get_by_role("heading", name="Kontakty", level=1)).to_be_visible()
    page.get_by_role("button", name="+ Dodaj kontakt").click()
    form = page.get_by_role("dialog", name="Dodaj kontakt")
    form.get_by_label("Nazwa").fill("Anna Nowak")
    form.get_by_label("Firma").fill("Biuro Rachunkowe Łódź")
    form.get_by_label("Numery").fill("komórka: 501 234 567\nbiuro: 22 123 45 67")
    form.get_by_label("Grupy kontaktów").fill("VIP, Klienci")
    shot(page, "contacts-form")
    form.get_by_role("button", name="Zapisz").click()
    expect(form).to_be_hidden()
    row = _rows(page).filter(has_text="Anna Nowak")
    expect(row).to_contain_text("komórka: +48501234567, biuro: +48221234567")
    expect(row).to_contain_text("VIP, Klienci")
    page.get_by_role("searchbox", name="Szukaj").fill("lodz")
    expect(_rows(page)).to_have_count(1)
    shot(page, "contacts-list")
    # Click to call: this panel has no switch, so the phone is not signed in to one, and it says so.
    row.get_by_role("button", name="Zadzwoń: Anna Nowak, komórka").click()
    expect(page.get_by_text("nie jest zalogowany do centrali")).to_be_visible()


def test_a_vcard_is_imported_and_a_wrong_one_names_its_contact(page, server):
    sign_in(page, server)
    page.goto(f"{server[0]}/#/contacts")
    importer = page.get_by_role("form", name="Import kontaktów")
    importer.get_by_label("Plik CSV lub vCard").set_input_files(
        files=[{"name": "zly.vcf", "mimeType": "text/vcard", "buffer": CARD.replace("600 100 200", "600").encode()}])
    importer.get_by_role("button", name="Importuj").click()
    expect(importer.get_by_text("wiersz 1")).to_be_visible()
    expect(_rows(page).filter(has_text="Jan Kowalski")).to_have_count(0)
    importer.get_by_label("Plik CSV lub vCard").set_input_files(
        files=[{"name": "jan.vcf", "mimeType": "text/vcard", "buffer": CARD.encode()}])
    importer.get_by_role("button", name="Importuj").click()
    expect(_rows(page).filter(has_text="Jan Kowalski")).to_contain_text("+48600100200")
    shot(page, "contacts-imported")
