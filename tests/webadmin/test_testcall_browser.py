"""The test call in headless Chromium: who answers, the story in Polish, details folded, the path in the tree."""
from __future__ import annotations

import os

import pytest

from tests.support.browser import chromium_page, needs_chromium, sign_in

SHOTS = "/tmp/panel-shots"
pytestmark = needs_chromium


def test_office_manager_tests_who_answers_and_sees_the_way_in_the_tree(server):
    from playwright.sync_api import expect

    os.makedirs(SHOTS, exist_ok=True)
    with chromium_page() as page:
        sign_in(page, server)
        page.get_by_role("link", name="Numery główne").click()
        page.get_by_role("row", name="+48221000000").get_by_role("link", name="Edytuj scenariusz").click()
        panel = page.get_by_role("form", name="Połączenie testowe")
        panel.get_by_label("Data i godzina").fill("2026-12-14T10:02")
        panel.get_by_label("Wciśnięte klawisze (np. 1 lub 2s:1)").fill("1")
        panel.get_by_label("Piotr Nowak", exact=True).select_option(label="ma zajęte do…")
        panel.get_by_label("Piotr Nowak: zajęte do (od początku połączenia, np. 0:40)").fill("0:30")
        panel.get_by_label("Katarzyna Wiśniewska", exact=True).select_option(label="odbiera")
        panel.get_by_role("button", name="Zadzwoń testowo").click()

        story = page.locator("ol.story")
        expect(story).to_contain_text("0:06 Dzwoni telefon: Piotr Nowak")
        expect(story).to_contain_text("0:06 Piotr Nowak ma zajęte")
        expect(story).to_contain_text("0:11 Katarzyna Wiśniewska odbiera")
        assert page.get_by_text("Katarzyna Wiśniewska odbiera").count() == 1   # told once, in Polish
        assert page.get_by_text("answered after").count() == 0
        steps = page.locator("details ol.steps")
        expect(steps).to_be_hidden()
        page.get_by_text("Szczegóły", exact=True).click()
        expect(steps).to_be_visible()
        page.get_by_text("Szczegóły", exact=True).click()

        page.get_by_role("link", name="Pokaż tę drogę w drzewie").click()
        lit = page.locator(".tree .on-path")
        expect(lit).to_have_count(4)
        assert [lit.nth(n).get_attribute("data-node") for n in range(4)] == ["hours", "welcome", "main_menu", "sales"]
        assert page.locator("[data-node=accounting]").get_attribute("class").count("on-path") == 0
        page.screenshot(path=f"{SHOTS}/testcall-story.png", full_page=True)
        page.locator("[data-node=sales]").screenshot(path=f"{SHOTS}/testcall-tree.png")


def test_on_a_phone_a_whole_group_answers_and_the_form_fits(server):
    from playwright.sync_api import expect

    os.makedirs(SHOTS, exist_ok=True)
    with chromium_page(width=390, height=844) as page:
        sign_in(page, server)
        page.goto(f"{server[0]}/#/numbers")
        page.get_by_role("row", name="+48221000000").get_by_role("link", name="Edytuj scenariusz").click()
        panel = page.get_by_role("form", name="Połączenie testowe")
        panel.get_by_label("Data i godzina").fill("2026-12-14T10:02")
        panel.get_by_label("Wciśnięte klawisze (np. 1 lub 2s:1)").fill("2")
        panel.get_by_label("Księgowość (grupa: wszyscy jej członkowie)").select_option(label="odbiera")
        panel.get_by_role("button", name="Zadzwoń testowo").click()
        expect(page.locator("ol.story")).to_contain_text("0:11 Tomasz Wójcik odbiera")
        expect(page.locator("ol.story")).to_contain_text("0:11 Magdalena Kamińska: dzwonienie przerwane (odebrano gdzie indziej)")
        card = page.locator("section.testcall")
        assert card.evaluate("e => e.scrollWidth <= e.clientWidth"), "the test call card overflows at 390 px"
        card.screenshot(path=f"{SHOTS}/testcall-phone.png")
