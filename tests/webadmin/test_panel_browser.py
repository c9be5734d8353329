"""The panel in headless Chromium against a real server on a temporary SQLite database with the demo."""
from __future__ import annotations

import csv
import io

import pytest

from tests.support.browser import needs_chromium, sign_in as _sign_in

SCREENSHOT = "/tmp/centralka-scenario-editor.png"
pytestmark = needs_chromium


def test_add_user_with_field_error_then_export(page, server):
    _sign_in(page, server)
    page.get_by_role("link", name="Użytkownicy").click()
    page.get_by_role("button", name="+ Dodaj użytkownika").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Imię").fill("Jan")
    dialog.get_by_label("Nazwisko").fill("Zieliński")
    dialog.get_by_label("Numer telefonu").fill("12345")
    dialog.get_by_label("E-mail").fill("jan.zielinski@firma-abc.example")
    dialog.get_by_role("button", name="Zapisz").click()
    error = dialog.locator("[data-error-for=phone]")
    error.wait_for()
    assert error.inner_text() == "'12345' ma 5 cyfr: polski numer ma 9 cyfr, a międzynarodowy zaczyna się od + lub 00."
    assert dialog.get_by_label("Numer telefonu").get_attribute("aria-invalid") == "true"
    dialog.get_by_label("Numer telefonu").fill("600 700 800")
    dialog.get_by_role("button", name="Zapisz").click()
    row = page.get_by_role("row", name="Jan Zieliński")
    row.wait_for()
    assert "+48600700800" in row.inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Eksportuj (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert {"email": "jan.zielinski@firma-abc.example", "phone": "+48600700800"}.items() <= \
        next(r for r in rows if r["first_name"] == "Jan").items()


def test_scenario_editor_change_publish_diff_and_roll_back(page, server):
    from playwright.sync_api import expect

    _sign_in(page, server)
    page.get_by_role("link", name="Numery główne").click()
    page.get_by_role("row", name="+48221000000").get_by_role("link", name="Edytuj scenariusz").click()
    page.get_by_role("heading", name="Scenariusz numeru +48221000000").wait_for()
    page.get_by_role("button", name="Opublikuj").click()
    page.get_by_text("Opublikowano wersję 1.").wait_for()

    page.locator("[data-node=sales]").click()
    form = page.get_by_role("form", name="Węzeł sales")
    assert form.get_by_label("Czas dzwonienia (s)").input_value() == "40"
    form.get_by_label("Czas dzwonienia (s)").fill("25")
    form.get_by_role("button", name="Zastosuj").click()
    page.get_by_text("Niezapisane zmiany").wait_for()
    assert "25 s" in page.locator("[data-node=sales]").inner_text()
    page.get_by_role("button", name="Opublikuj").click()
    page.get_by_text("Opublikowano wersję 2.").wait_for()
    versions = page.locator(".versions")
    expect(versions.locator("tbody tr").first).to_contain_text("2aktywna")

    page.get_by_role("button", name="Porównaj").click()
    page.get_by_text("Węzeł Sprzedaż: zmieniono czas dzwonienia z 40 na 25").wait_for()
    page.screenshot(path=SCREENSHOT, full_page=True)

    page.once("dialog", lambda dialog: dialog.accept())
    versions.locator("tbody tr").last.get_by_role("button", name="Przywróć").click()  # version 1
    page.get_by_text("Przywrócono — nowa wersja 3.").wait_for()
    expect(versions.locator("tbody tr").first).to_contain_text("3aktywna")
    expect(versions.locator("tbody tr").first).to_contain_text("Przywrócono wersję 1")


def test_a_menu_form_built_from_the_kind_specs_saves_its_repeat_count(page, server):
    from pbx.extensions import db
    from pbx.models import MainNumber

    base, app = server
    _sign_in(page, server)
    page.get_by_role("link", name="Numery główne").click()
    page.get_by_role("row", name="+48221000000").get_by_role("link", name="Edytuj scenariusz").click()
    page.locator("[data-node=main_menu]").click()
    form = page.get_by_role("form", name="Węzeł main_menu")
    repeat = form.get_by_label("Liczba powtórzeń")
    # Range and value come from MenuSchema through GET /api/node-kinds.
    assert (repeat.get_attribute("min"), repeat.get_attribute("max"), repeat.input_value()) == ("1", "5", "2")
    repeat.fill("4")
    # The check after a change redraws the tree: the adder below is used once it has come back.
    with page.expect_response("**/scenario/check"):
        form.get_by_role("button", name="Zastosuj").click()
    page.get_by_role("button", name="Zapisz szkic").click()
    page.get_by_text("Szkic zapisany.").wait_for()
    with app.app_context():
        number = db.session.scalars(db.select(MainNumber).filter_by(number="+48221000000")).one()
        menu = number.scenario.draft["root"]["open"]["next"]
        assert (menu["id"], menu["repeat"], menu["timeout_seconds"]) == ("main_menu", 4, 5)
    kinds = page.get_by_label("Rodzaj węzła").first.locator("option").all_inner_texts()
    assert {"Menu (IVR)", "Harmonogram", "Przekierowanie", "Przejdź do"} <= set(kinds)
    adder = page.locator(".empty-slot").filter(has=page.get_by_label("Gałąź (main_menu)"))
    adder.get_by_label("Gałąź (main_menu)").select_option("options.3")
    adder.get_by_label("Rodzaj węzła").select_option("menu")
    adder.get_by_role("button", name="+ Dodaj").click()
    added = page.get_by_role("form", name="Węzeł menu_1")  # a new node starts with the schema's defaults
    assert added.get_by_label("Liczba powtórzeń").input_value() == "2"
    assert added.get_by_label("Czas na wybór (s)").input_value() == "5"
    page.locator("[data-node=hours]").click()
    hours = page.get_by_role("form", name="Węzeł hours")
    assert hours.get_by_label("Święta").input_value() == "pl"
    assert hours.locator("[name=day_mon]").input_value() == "08:00-16:00"
    page.locator("[data-node=invalid_back]").click()
    assert page.get_by_role("form", name="Węzeł invalid_back").get_by_label("Przejdź do węzła").input_value() \
        == "main_menu"


def test_viewer_sees_no_edit_controls(page, server):
    from pbx import directory
    from pbx.extensions import db
    from pbx.models import Tenant

    _, app = server
    with app.app_context():
        directory.add_user(db.session.scalars(db.select(Tenant)).first(), {
            "first_name": "Wiktor", "last_name": "Widz", "email": "wiktor@firma-abc.example", "admin_level": 1})
        db.session.commit()
    _sign_in(page, server, "wiktor@firma-abc.example")
    page.get_by_role("link", name="Użytkownicy").click()
    page.get_by_text("Masz uprawnienia tylko do podglądu.").wait_for()
    assert page.get_by_role("button", name="Edytuj").count() == 0
    assert page.get_by_role("button", name="+ Dodaj użytkownika").count() == 0
    page.get_by_role("link", name="Numery główne").click()
    page.get_by_role("link", name="Edytuj scenariusz").click()
    page.locator("[data-node=sales]").click()
    assert page.get_by_role("button", name="Opublikuj").count() == 0
    assert page.get_by_role("button", name="Zastosuj").count() == 0
    assert page.get_by_role("form", name="Węzeł sales").get_by_label("Czas dzwonienia (s)").is_disabled()


def test_owner_changes_recording_retention_after_a_field_error(page, server):
    from playwright.sync_api import expect

    _sign_in(page, server)
    page.get_by_role("link", name="Ustawienia firmy").click()
    page.get_by_role("heading", name="Ustawienia firmy").wait_for()
    retention = page.get_by_label("Przechowywanie nagrań (dni)")
    expect(retention).to_have_value("90")
    retention.fill("0")
    page.get_by_role("button", name="Zapisz").click()
    error = page.locator("[data-error-for=retention_days]")
    expect(error).to_have_text("Wartość musi być z przedziału od 1 do 3650.")
    expect(retention).to_have_attribute("aria-invalid", "true")
    page.get_by_text("Popraw zaznaczone pola.").wait_for()

    page.get_by_label("Przechowywanie nagrań (dni)").fill("400")
    page.get_by_role("button", name="Zapisz").click()
    page.get_by_text("Zapisano.").wait_for()
    expect(page.locator("[data-error-for=retention_days]")).to_be_hidden()

    page.reload()
    page.get_by_role("heading", name="Ustawienia firmy").wait_for()
    expect(page.get_by_label("Przechowywanie nagrań (dni)")).to_have_value("400")


PAGES = ["Pulpit", "Użytkownicy", "Grupy", "Numery główne", "Zapowiedzi", "Skrzynki głosowe", "Listy numerów",
         "Historia połączeń", "Eksporty", "Nagrania", "Dziennik zmian", "Ustawienia firmy"]


def test_every_page_works_under_the_content_security_policy(page, server):
    """The fixture fails the test on any CSP refusal in the console."""
    base, _ = server
    response = page.goto(base)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    _sign_in(page, server)
    for name in PAGES:
        page.get_by_role("navigation").get_by_role("link", name=name).click()
        page.locator("#view h1, #view h2").first.wait_for()
    page.get_by_role("link", name="Numery główne").click()
    page.get_by_role("link", name="Edytuj scenariusz").click()
    page.locator("[data-node=sales]").click()


def test_another_site_cannot_frame_the_panel(page, server):
    base, _ = server
    page.set_content(f'<iframe src="{base}/" title="panel"></iframe>')
    page.wait_for_timeout(500)
    framed = page.frames[1]
    assert framed.locator("#view").count() == 0  # the panel never rendered inside the frame
    refused = [e for e in page.errors_seen if "frame-ancestors" in e]
    assert refused, page.errors_seen
    page.errors_seen.clear()


def test_a_branch_leads_to_an_existing_node_shared_with_another_branch(page, server):
    from playwright.sync_api import expect

    from pbx.extensions import db
    from pbx.models import MainNumber

    _, app = server
    _sign_in(page, server)
    page.get_by_role("link", name="Numery główne").click()
    page.get_by_role("row", name="+48221000000").get_by_role("link", name="Edytuj scenariusz").click()
    adder = page.locator(".empty-slot").filter(has=page.get_by_label("Gałąź (main_menu)"))
    adder.get_by_label("Gałąź (main_menu)").select_option("options.0")
    existing = adder.get_by_label("Istniejący węzeł (main_menu)")
    # Nodes offered in the panel's words: name, then id; the jumps themselves are not targets.
    assert "Recepcja (reception)" in existing.locator("option").all_inner_texts()
    assert "invalid_back" not in existing.locator("option").all_inner_texts()
    existing.select_option("reception")
    adder.get_by_role("button", name="→ Przejdź do istniejącego").click()
    form = page.get_by_role("form", name="Węzeł goto_1")
    expect(form.get_by_label("Przejdź do węzła")).to_have_value("reception")
    assert "→ reception" in page.locator("[data-node=goto_1]").inner_text()
    page.get_by_role("button", name="Zapisz szkic").click()
    page.get_by_text("Szkic zapisany.").wait_for()
    page.get_by_text("Scenariusz nie ma błędów.").wait_for()
    with app.app_context():
        number = db.session.scalars(db.select(MainNumber).filter_by(number="+48221000000")).one()
        options = number.scenario.draft["root"]["open"]["next"]["options"]
        assert options["0"] == {"id": "goto_1", "kind": "goto", "target": "reception"}
    page.get_by_role("button", name="Opublikuj").click()
    page.get_by_text("Opublikowano wersję").wait_for()


def test_fallbacks_of_a_group_and_the_company_are_chosen_in_their_forms(page, server):
    from pbx.extensions import db
    from pbx.models import Group, Tenant, VoicemailBox

    _, app = server
    with app.app_context():  # the menu rings the group live, whichever journeys ran before
        from pbx import scenarios
        from pbx.models import Scenario

        scenario = db.session.scalars(db.select(Scenario)).first()
        if scenario.published_version_id is None:
            scenarios.publish(scenario, app.config)
            db.session.commit()
    _sign_in(page, server)
    page.get_by_role("link", name="Grupy").click()
    page.get_by_role("row", name="Sprzedaż").get_by_role("button", name="Edytuj").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Gdy nikt z grupy nie odbiera: skrzynka głosowa").select_option(label="Poczta główna")
    dialog.get_by_role("button", name="Zapisz").click()
    # The group is rung by the published menu: the change asks first.
    page.get_by_role("dialog", name="Zmienić „Sprzedaż”?").get_by_role("button", name="Zapisz zmianę").click()
    page.get_by_text("Zapisano.").wait_for()
    page.get_by_role("link", name="Ustawienia firmy").click()
    page.get_by_label("…albo przekieruj na numer").fill("600 700 800")
    with page.expect_response("**/api/company") as saved:
        page.get_by_role("button", name="Zapisz").click()
    assert saved.value.json()["default_fallback_number"] == "+48600700800"
    with app.app_context():
        box = db.session.scalars(db.select(VoicemailBox).filter_by(name="Poczta główna")).one()
        assert db.session.scalars(db.select(Group).filter_by(name="Sprzedaż")).one().fallback_box_id == box.id
        assert db.session.scalars(db.select(Tenant)).first().default_fallback_number == "+48600700800"
