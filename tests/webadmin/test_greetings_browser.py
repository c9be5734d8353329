"""Occasional and personal greetings in the scenario editor (headless Chromium): dates typed as in
Poland, mistakes named in Polish at the node, the stored draft as documented."""
from __future__ import annotations

from tests.support.browser import needs_chromium, open_editor, shot, sign_in

pytestmark = needs_chromium


def add_node(page, branch: str, kind: str, node_id: str):
    adder = page.locator(".empty-slot").filter(has=page.get_by_label("Gałąź (main_menu)"))
    adder.get_by_label("Gałąź (main_menu)").select_option(branch)
    adder.get_by_label("Rodzaj węzła").select_option(kind)
    adder.get_by_role("button", name="+ Dodaj").click()
    form = page.get_by_role("form", name=f"Węzeł {node_id}")
    form.wait_for()
    return form


def draft_root(page) -> dict:
    page.get_by_role("tab", name="JSON").click()
    root = page.evaluate("JSON.parse(document.querySelector('textarea.json').value).root")
    page.get_by_role("tab", name="Drzewo").click()
    return root


def test_an_occasional_greeting_with_its_dates(page, server):
    from playwright.sync_api import expect

    sign_in(page, server)
    open_editor(page)
    form = add_node(page, "options.4", "occasional", "occasional_1")
    expect(page.locator("[data-node=occasional_1]")).to_contain_text("Komunikat okazjonalny")
    form.get_by_label("Od (data i godzina w strefie firmy)").fill("24.12.2026 12:00")
    form.get_by_label("Do (ta chwila już bez komunikatu)").fill("24.12.2026 10:00")
    form.get_by_role("button", name="Zastosuj").click()
    problems = page.get_by_role("form", name="Węzeł occasional_1").locator(".node-problems")
    expect(problems).to_contain_text("Koniec (24.12.2026 10:00) musi być później niż początek (24.12.2026 12:00).")
    shot(page, "greetings-occasional-end-before-start")

    form = page.get_by_role("form", name="Węzeł occasional_1")
    form.get_by_label("Do (ta chwila już bez komunikatu)").fill("27.12.2026 08:00")
    form.get_by_role("button", name="Zastosuj").click()
    expect(page.locator("[data-node=occasional_1]")).to_contain_text("24.12.2026 12:00")
    expect(page.get_by_role("form", name="Węzeł occasional_1").locator(".node-problems")) \
        .not_to_contain_text("musi być później")
    node = draft_root(page)["open"]["next"]["options"]["4"]
    assert (node["kind"], node["start"], node["end"]) == ("occasional", "2026-12-24T12:00", "2026-12-27T08:00")
    assert isinstance(node["prompt"], int)
    shot(page, "greetings-occasional-applied")


def test_a_personal_greeting_for_one_kind_of_callers(page, server):
    from playwright.sync_api import expect

    sign_in(page, server)
    open_editor(page)
    form = add_node(page, "options.5", "personal", "personal_1")
    form.get_by_label("Dla grupy kontaktów (zamiast listy numerów)").fill("Stali klienci")
    form.get_by_label("Dla wszystkich kontaktów firmy").check()
    form.get_by_role("button", name="Zastosuj").click()
    form = page.get_by_role("form", name="Węzeł personal_1")
    expect(form.locator(".node-problems")).to_contain_text(
        "Wybierz dokładnie jedno: listę numerów, grupę kontaktów albo wszystkie kontakty.")
    shot(page, "greetings-personal-two-kinds-of-callers")

    form.get_by_label("Dla wszystkich kontaktów firmy").uncheck()
    form.get_by_role("button", name="Zastosuj").click()
    expect(page.locator("[data-node=personal_1]")).to_contain_text("Stali klienci")
    expect(page.get_by_role("form", name="Węzeł personal_1").locator(".node-problems")) \
        .not_to_contain_text("Wybierz dokładnie jedno")
    node = draft_root(page)["open"]["next"]["options"]["5"]
    assert (node["kind"], node["contact_group"], node["all_contacts"]) == ("personal", "Stali klienci", False)
    assert node.get("start") is None and node.get("end") is None
