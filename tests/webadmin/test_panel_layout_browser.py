"""Journeys in headless Chromium on a laptop and at phone width (390 px): nothing rolled back comes back
unasked, hidden things stay hidden, and no page is wider than the phone. Screenshots go to /tmp/panel-shots."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import chromium_page, demo_panel, needs_chromium, sign_in

SHOTS = Path("/tmp/panel-shots")
PHONE = 390
pytestmark = needs_chromium


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with demo_panel(tmp_path_factory.mktemp("panel")) as (port, app, _):
        yield f"http://127.0.0.1:{port}", app


@pytest.fixture
def laptop(server):
    with chromium_page() as tab:
        yield tab


@pytest.fixture
def phone(server):
    with chromium_page(PHONE, 844) as tab:
        yield tab


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def open_editor(page):
    page.get_by_role("link", name="Numery główne").click()
    page.get_by_role("row", name="+48221000000").get_by_role("link", name="Edytuj scenariusz").click()
    page.get_by_role("heading", name="Scenariusz numeru +48221000000").wait_for()


def test_rollback_shows_the_rolled_back_tree_and_the_next_publish_keeps_it(laptop, server):
    from playwright.sync_api import expect

    page = laptop
    sign_in(page, server)
    open_editor(page)
    page.get_by_role("button", name="Opublikuj").click()
    page.get_by_text("Opublikowano wersję 1.").wait_for()
    page.locator("[data-node=sales]").click()
    page.get_by_role("form", name="Węzeł sales").get_by_label("Czas dzwonienia (s)").fill("25")
    page.get_by_role("form", name="Węzeł sales").get_by_role("button", name="Zastosuj").click()
    page.get_by_role("button", name="Opublikuj").click()
    page.get_by_text("Opublikowano wersję 2.").wait_for()

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(".versions tbody tr").last.get_by_role("button", name="Przywróć").click()
    page.get_by_text("Przywrócono — nowa wersja 3.").wait_for()
    sales = page.locator("[data-node=sales]")
    expect(sales).to_contain_text("40 s")
    sales.click()
    expect(page.get_by_role("form", name="Węzeł sales").get_by_label("Czas dzwonienia (s)")).to_have_value("40")
    expect(page.get_by_role("status").first).not_to_contain_text("Niezapisane zmiany")
    shot(page, "rollback-after")

    page.reload()
    page.get_by_role("heading", name="Scenariusz numeru +48221000000").wait_for()
    expect(page.locator("[data-node=sales]")).to_contain_text("40 s")
    page.get_by_role("button", name="Opublikuj").click()
    page.get_by_text("Opublikowano wersję 4.").wait_for()
    page.locator("#diff-from").select_option("3")
    page.locator("#diff-to").select_option("4")
    page.get_by_role("button", name="Porównaj").click()
    page.get_by_text("Brak różnic.").wait_for()
