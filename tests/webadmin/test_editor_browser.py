"""Scenario editor journeys in headless Chromium: nothing typed is lost unasked, warnings are read before
publishing, and the tree works from the keyboard. A screenshot of each is kept under /tmp/panel-shots/."""
from __future__ import annotations

import re

import pytest

from tests.support.browser import needs_chromium, open_editor, shot, sign_in

pytestmark = needs_chromium


def type_ring_seconds(page, seconds):
    page.locator("[data-node=sales]").click()
    form = page.get_by_role("form", name="Węzeł sales")
    form.get_by_label("Czas dzwonienia (s)").fill(seconds)
    return form


def adder_of(page, node_id):
    return page.locator(".empty-slot").filter(has=page.get_by_label(f"Gałąź ({node_id})"))


def test_leaving_the_editor_or_closing_the_tab_with_unsaved_changes_asks_first(page, server):
    from playwright.sync_api import expect

    sign_in(page, server)
    open_editor(page)
    page.get_by_role("navigation").get_by_role("link", name="Użytkownicy").click()  # nothing changed: no question
    page.get_by_role("heading", name="Użytkownicy").wait_for()
    open_editor(page)
    type_ring_seconds(page, "25").get_by_role("button", name="Zastosuj").click()
    page.get_by_role("navigation").get_by_role("link", name="Użytkownicy").click()
    ask = page.get_by_role("dialog", name="Niezapisane zmiany")
    expect(ask).to_contain_text("Scenariusz ma zmiany, które nie zostały zapisane.")
    expect(page).to_have_url(re.compile("#/scenario/"))
    shot(page, "editor-leave-with-unsaved-changes")
    ask.get_by_role("button", name="Zostań na stronie").click()
    expect(page.locator("[data-node=sales]")).to_contain_text("25 s")
    page.get_by_role("button", name="Wyloguj").click()  # signing out would lose it too
    page.get_by_role("dialog", name="Niezapisane zmiany").get_by_role("button", name="Zostań na stronie").click()
    expect(page.locator("[data-node=sales]")).to_contain_text("25 s")

    page.get_by_role("navigation").get_by_role("link", name="Grupy").click()
    page.get_by_role("dialog", name="Niezapisane zmiany").get_by_role("button", name="Opuść stronę i porzuć zmiany").click()
    page.get_by_role("heading", name="Grupy").wait_for()
    expect(page).to_have_url(re.compile("#/groups"))

    open_editor(page)
    type_ring_seconds(page, "30")  # typed, not even applied
    with page.expect_event("dialog") as asked:
        page.close(run_before_unload=True)
    assert asked.value.type == "beforeunload"
    asked.value.dismiss()
    expect(page.get_by_role("form", name="Węzeł sales").get_by_label("Czas dzwonienia (s)")).to_have_value("30")


def test_selecting_another_node_with_unapplied_form_asks_apply_discard_or_stay(page, server):
    from playwright.sync_api import expect

    sign_in(page, server)
    open_editor(page)
    form = type_ring_seconds(page, "25")
    page.locator("[data-node=reception]").click()
    ask = page.get_by_role("dialog", name="Niezastosowane zmiany")
    expect(ask).to_contain_text("W formularzu węzła „Sprzedaż” są zmiany, których nie zastosowano.")
    shot(page, "editor-unapplied-form-then-other-node")
    ask.get_by_role("button", name="Zostań przy węźle").click()
    expect(form.get_by_label("Czas dzwonienia (s)")).to_have_value("25")

    page.locator("[data-node=reception]").click()
    page.get_by_role("dialog", name="Niezastosowane zmiany").get_by_role("button", name="Odrzuć zmiany").click()
    page.get_by_role("form", name="Węzeł reception").wait_for()
    expect(page.locator("[data-node=sales]")).to_contain_text("40 s")

    type_ring_seconds(page, "30")
    page.locator("[data-node=accounting]").click()
    page.get_by_role("dialog", name="Niezastosowane zmiany").get_by_role("button", name="Zastosuj").click()
    page.get_by_role("form", name="Węzeł accounting").wait_for()
    expect(page.locator("[data-node=sales]")).to_contain_text("30 s")
    expect(page.locator(".status")).to_contain_text("Niezapisane zmiany")


def test_a_check_arriving_while_adding_a_node_keeps_the_kind_and_the_click(page, server):
    from playwright.sync_api import expect

    sign_in(page, server)
    open_editor(page)
    page.locator("[data-node=main_menu]").click()
    form = page.get_by_role("form", name="Węzeł main_menu")
    form.get_by_label("Liczba powtórzeń").fill("3")
    adder = adder_of(page, "main_menu")
    # The change is checked on the server while the admin picks a kind and presses the button.
    with page.expect_response("**/scenario/check"):
        form.get_by_role("button", name="Zastosuj").click()
        adder.get_by_label("Gałąź (main_menu)").select_option("options.3")
        adder.get_by_label("Rodzaj węzła").select_option("menu")
        adder.get_by_role("button", name="+ Dodaj").hover()
        page.mouse.down()
    page.wait_for_timeout(300)  # the check's answer is on screen while the button is still held
    expect(adder.get_by_label("Rodzaj węzła")).to_have_value("menu")
    shot(page, "editor-add-node-while-checking")
    page.mouse.up()
    page.get_by_role("form", name="Węzeł menu_1").wait_for()
    expect(page.locator("[data-node=menu_1]")).to_contain_text("Menu (IVR)")
    expect(adder_of(page, "menu_1").get_by_label("Rodzaj węzła")).to_have_value("menu")  # the kind stays picked


def test_publishing_with_warnings_lists_them_in_words_and_asks(page, server):
    from playwright.sync_api import expect

    sign_in(page, server)
    open_editor(page)
    adder = adder_of(page, "main_menu")
    adder.get_by_label("Gałąź (main_menu)").select_option("options.4")
    adder.get_by_label("Rodzaj węzła").select_option("announcement")
    adder.get_by_role("button", name="+ Dodaj").click()
    page.get_by_role("form", name="Węzeł announcement_1").wait_for()  # no `next`: a dead end, warned about
    page.get_by_role("button", name="Opublikuj").click()
    ask = page.get_by_role("dialog", name="Opublikować mimo ostrzeżeń?")
    warning = ask.get_by_role("listitem").filter(has_text="Zapowiedź:")
    expect(warning).to_have_count(1)
    assert "announcement_1" not in warning.inner_text()
    shot(page, "editor-publish-with-warnings")
    ask.get_by_role("button", name="Wróć do edycji").click()
    expect(ask).to_have_count(0)
    expect(page.locator(".versions tbody")).to_contain_text("Brak")
    page.get_by_role("button", name="Opublikuj").click()
    page.get_by_role("dialog", name="Opublikować mimo ostrzeżeń?").get_by_role("button", name="Opublikuj mimo to").click()
    page.get_by_text("Opublikowano wersję 1.").wait_for()


def test_the_tree_is_an_aria_tree_driven_by_arrow_keys_and_keeps_focus_after_apply(page, server):
    from playwright.sync_api import expect

    sign_in(page, server)
    open_editor(page)
    tree = page.get_by_role("tree", name="Drzewo")
    order = tree.get_by_role("treeitem").evaluate_all("items => items.map((i) => i.dataset.item)")
    item = lambda node: tree.locator(f"[role=treeitem][data-item={node}]")  # noqa: E731
    assert order[0] == "hours" and {"sales", "vm_sales", "main_menu"} <= set(order)
    expect(tree.locator("[tabindex='0']")).to_have_count(1)
    keys = item("main_menu").locator(":scope > [role=group] > [role=treeitem]")
    assert {"sales", "accounting", "reception", "invalid_back"} <= set(keys.evaluate_all("k => k.map((i) => i.dataset.item)"))
    item("hours").focus()
    page.keyboard.press("ArrowDown")
    expect(item(order[1])).to_be_focused()
    page.keyboard.press("End")
    expect(item(order[-1])).to_be_focused()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowLeft")  # closes the root: nothing else is shown
    expect(item("hours")).to_have_attribute("aria-expanded", "false")
    expect(item(order[1])).to_be_hidden()
    page.keyboard.press("ArrowRight")
    expect(item("hours")).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowRight")
    expect(item(order[1])).to_be_focused()
    for _ in range(order.index("sales") - 1):
        page.keyboard.press("ArrowDown")
    expect(item("sales")).to_be_focused()
    expect(item("sales")).to_have_attribute("tabindex", "0")
    page.keyboard.press("Enter")
    expect(item("sales")).to_have_attribute("aria-selected", "true")
    expect(item("sales")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(item("vm_sales")).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(item("sales")).to_be_focused()

    form = page.get_by_role("form", name="Węzeł sales")
    form.get_by_label("Czas dzwonienia (s)").fill("25")
    with page.expect_response("**/scenario/check"):
        form.get_by_role("button", name="Zastosuj").click()
    page.wait_for_timeout(100)
    expect(item("sales")).to_be_focused()  # after the check too, not lost to the page
    expect(item("sales")).to_contain_text("25 s")
    expect(tree.locator("[aria-selected=true]")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    expect(item("vm_sales")).to_be_focused()
    page.keyboard.press("ArrowUp")
    shot(page, "editor-tree-keyboard")
