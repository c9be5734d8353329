"""Journeys in headless Chromium: searching and paging a list (laptop and 390 px), sending the sign-in
code again, schedule hours typed as free text, a new main number's first tree, dates in Polish, and
the API docs from the menu. Screenshots: /tmp/panel-shots/lists-*.png."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import chromium_page, demo_panel, needs_chromium, node_form, open_editor, shot, sign_in

pytestmark = needs_chromium
PHONE = 390


def _many_people(tenant):
    from pbx import directory

    for i in range(30):
        directory.add_user(tenant, {"first_name": "Osoba", "last_name": f"Próbna {i + 1:02d}",
                                    "email": f"osoba{i + 1}@firma-abc.example"})


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with demo_panel(tmp_path_factory.mktemp("lists"), _many_people) as (port, app, _):
        yield f"http://127.0.0.1:{port}", app


def _rows(page):
    return page.locator("#view tbody tr")


def test_a_list_is_searched_and_paged_from_the_keyboard(page, server):
    sign_in(page, server)
    page.get_by_role("navigation").get_by_role("link", name="Użytkownicy").click()
    status = page.get_by_role("navigation", name="Strony listy").locator(".pager-status")
    expect(status).to_have_text("Strona 1 z 2 (razem: 36)")
    expect(_rows(page)).to_have_count(25)
    page.get_by_role("button", name="Następna ›").click()
    expect(status).to_have_text("Strona 2 z 2 (razem: 36)")
    expect(_rows(page)).to_have_count(11)
    expect(page.get_by_role("button", name="Następna ›")).to_be_disabled()
    expect(page.get_by_role("button", name="‹ Poprzednia")).to_be_focused()  # the keyboard is not dropped
    shot(page, "lists-users-page-2")
    search = page.get_by_role("searchbox", name="Szukaj")
    search.focus()
    page.keyboard.type("WISNIEWSKA")  # no Polish letters, any case
    page.keyboard.press("Enter")
    expect(_rows(page)).to_have_count(1)
    expect(_rows(page).first).to_contain_text("Katarzyna Wiśniewska")
    expect(status).to_have_text("Znaleziono: 1 · strona 1 z 1")
    shot(page, "lists-users-search")
    search.fill("próbna 3")
    expect(_rows(page)).to_have_count(1)
    expect(_rows(page).first).to_contain_text("Próbna 30")


def test_the_search_box_and_pager_fit_a_phone(server):
    with chromium_page(PHONE, 844) as page:
        sign_in(page, server)
        page.goto(f"{server[0]}/#/groups")
        page.get_by_role("searchbox", name="Szukaj").fill("ksiegowosc")
        expect(_rows(page)).to_have_count(1)
        page.goto(f"{server[0]}/#/users")
        expect(_rows(page)).to_have_count(25)
        pager = page.get_by_role("navigation", name="Strony listy")
        pager.scroll_into_view_if_needed()
        assert pager.bounding_box()["width"] <= PHONE
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0
        shot(page, "lists-phone-users")


def test_the_code_is_sent_again_and_a_refusal_says_how_long_to_wait(page, server):
    base, app = server
    limit = app.config["SIGNIN_LIMIT_PER_ADDRESS"]
    app.config["SIGNIN_LIMIT_PER_ADDRESS"] = 2
    try:
        page.goto(base)
        page.get_by_label("E-mail administratora").fill("nowa.osoba@firma-abc.example")
        page.get_by_role("button", name="Wyślij kod").click()
        expect(page.get_by_role("status").first).to_contain_text("wysłaliśmy na niego jednorazowy kod")
        again = page.get_by_role("button", name="Wyślij kod ponownie")
        with page.expect_response("**/api/auth/code") as first:
            again.click()
        assert first.value.status == 200
        expect(page.get_by_text("wysłaliśmy nowy kod")).to_be_visible()
        with page.expect_response("**/api/auth/code") as refused:
            again.click()
        assert refused.value.status == 429
        expect(page.get_by_text(re.compile(r"Kod można wysłać ponownie za \d+ (minut|minuty|minutę|godzinę)\."))).to_be_visible()
        shot(page, "lists-sign-in-code-again")
    finally:
        app.config["SIGNIN_LIMIT_PER_ADDRESS"] = limit


def test_schedule_hours_are_typed_as_people_write_them(page, server):
    sign_in(page, server)
    open_editor(page)
    form = node_form(page, "hours")
    form.get_by_label("Kilka dni naraz").fill("pn-pt 8-17; sob 9:00–13:00; nd zamknięte")
    form.get_by_role("button", name="Wpisz do dni").click()
    expect(form.locator("[name=day_mon]")).to_have_value("08:00-17:00")
    expect(form.locator("[name=day_fri]")).to_have_value("08:00-17:00")
    expect(form.locator("[name=day_sat]")).to_have_value("09:00-13:00")
    form.locator("[name=day_wed]").fill("08.00-12.00, 13-1x")
    form.get_by_role("button", name="Zastosuj").click()
    error = form.locator("[data-error-for=day_wed]")
    expect(error).to_contain_text("Nie rozumiem „13-1x”")
    expect(form.locator("[name=day_wed]")).to_have_attribute("aria-invalid", "true")
    shot(page, "lists-schedule-hours-error")
    form.locator("[name=day_wed]").fill("08.00-12.00, 13-16")
    exceptions = form.get_by_label("Wyjątki (data [godziny], po jednym w wierszu)")
    exceptions.fill("24.12 8-12\n31.12.2026 9-1y")
    form.get_by_role("button", name="Zastosuj").click()
    expect(form.locator("[data-error-for=exceptions]")).to_contain_text("Wiersz 2: Nie rozumiem „9-1y”")
    exceptions.fill("24.12 8-12\n31.12.2026 zamknięte")
    form.get_by_role("button", name="Zastosuj").click()
    page.get_by_role("tab", name="JSON").click()
    root = page.evaluate("JSON.parse(document.querySelector('textarea.json').value).root")
    week = root["week"]
    assert week["mon"] == [["08:00", "17:00"]] and week["sat"] == [["09:00", "13:00"]] and week["sun"] == []
    assert week["wed"] == [["08:00", "12:00"], ["13:00", "16:00"]]
    assert root["exceptions"] == [{"date": "12-24", "hours": [["08:00", "12:00"]]}, {"date": "2026-12-31", "hours": []}]
    page.get_by_role("tab", name="Drzewo").click()
    node_form(page, "hours")
    expect(exceptions).to_have_value("24.12 08:00-12:00\n31.12.2026")  # shown as written in Poland
    shot(page, "lists-schedule-hours-applied")
    form.get_by_label("Kilka dni naraz").fill("nd 10-14")  # applied without "Wpisz do dni": not lost
    form.get_by_role("button", name="Zastosuj").click()
    page.get_by_role("tab", name="JSON").click()
    week = page.evaluate("JSON.parse(document.querySelector('textarea.json').value).root.week")
    assert week["sun"] == [["10:00", "14:00"]] and week["mon"] == [["08:00", "17:00"]]


def test_a_new_main_number_shows_no_error_before_its_first_save(page, server):
    sign_in(page, server)
    page.get_by_role("navigation").get_by_role("link", name="Numery główne").click()
    page.get_by_role("button", name="+ Dodaj numer główny").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Numer", exact=True).fill("22 100 00 99")
    dialog.get_by_role("button", name="Zapisz").click()
    page.get_by_role("row", name=re.compile(r"\+48221000099")).get_by_role("link", name="Edytuj scenariusz").click()
    page.get_by_role("heading", name="Scenariusz numeru +48221000099").wait_for()
    page.get_by_label("Rodzaj węzła").select_option("hangup")
    with page.expect_response("**/scenario/check") as checked:
        page.get_by_role("button", name="+ Dodaj").click()
    assert checked.value.status == 200
    expect(page.locator("p.status")).to_contain_text("Scenariusz nie ma błędów.")
    expect(page.get_by_text("nie ma scenariusza")).to_have_count(0)
    shot(page, "lists-new-number-first-tree")


def test_dates_are_shown_and_typed_in_polish(page, server):
    sign_in(page, server)
    page.get_by_role("navigation").get_by_role("link", name="Historia połączeń").click()
    since = page.get_by_label("Od dnia")
    expect(since).to_have_attribute("type", "text")
    expect(page.get_by_text("dd.mm.rrrr, np. 31.12.2026").first).to_be_visible()
    since.fill("02.03.2026")
    page.get_by_label("Do dnia").fill("31.12.2026")
    with page.expect_response(re.compile(r"/api/calls\?")) as listed:
        page.get_by_role("button", name="Pokaż").click()
    assert listed.value.status == 200
    expect(page.locator("#view [role=alert]")).to_have_count(0)
    shot(page, "lists-calls-polish-dates")
    open_editor(page)
    at = page.get_by_label("Data i godzina")
    expect(at).to_have_value(re.compile(r"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$"))
    at.fill("14.12.2026 10:02")
    with page.expect_response("**/api/test-call") as called:
        page.get_by_role("button", name="Zadzwoń testowo").click()
    assert called.value.status == 200
    expect(page.locator(".testcall ol.story")).to_be_visible()
    shot(page, "lists-test-call-polish-date")


def test_the_api_docs_are_in_the_menu(page, server):
    sign_in(page, server)
    page.get_by_role("navigation").get_by_role("link", name="Dokumentacja API").click()
    page.get_by_role("heading", name="Dokumentacja API").wait_for()
    expect(page.get_by_text("/api/users/{user_id}").first).to_be_visible()
    shot(page, "lists-api-docs-from-menu")
