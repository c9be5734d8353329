"""Journeys in headless Chromium on a page and at phone width (390 px): nothing rolled back comes back
unasked, hidden things stay hidden, and no page is wider than the phone. Screenshots go to /tmp/panel-shots."""
from __future__ import annotations


import pytest

from tests.support.browser import chromium_page, needs_chromium, open_editor, shot, sign_in

PHONE = 390
pytestmark = needs_chromium


@pytest.fixture
def phone(server):
    with chromium_page(PHONE, 844) as tab:
        yield tab


def test_rollback_shows_the_rolled_back_tree_and_the_next_publish_keeps_it(page, server):
    from playwright.sync_api import expect

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


# Contrast as WCAG 2 defines it, of every piece of text on the page against what is behind it.
CONTRAST_JS = """() => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || [0, 0, 0, 0]).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const over = (top, alpha, under) => top.slice(0, 3).map((c, i) => c * alpha + under[i] * (1 - alpha));
  const behind = (node) => {
    for (let n = node; n; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if ((c[3] ?? 1) > 0.5) return c;
    }
    return [255, 255, 255];
  };
  const opacity = (node) => { let o = 1; for (let n = node; n; n = n.parentElement) o *= Number(getComputedStyle(n).opacity); return o; };
  const low = [];
  for (const node of document.querySelectorAll("body *")) {
    const own = [...node.childNodes].some((c) => c.nodeType === 3 && c.textContent.trim());
    if (!own || !node.checkVisibility() || node.closest(":disabled, [aria-disabled=true]")) continue;
    const style = getComputedStyle(node);
    const back = behind(node);
    const text = rgb(style.color);
    const value = ratio(over(text, (text[3] ?? 1) * opacity(node), back), back);
    if (value < 4.5) low.push(`${node.tagName}.${node.className} "${node.textContent.trim().slice(0, 30)}" ${value.toFixed(2)}`);
  }
  return low;
}"""

# Contrast of one element's border (or focus outline) against the background behind it.
EDGE_JS = """([selector, property]) => {
  const node = document.querySelector(selector);
  const rgb = (text) => text.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  let back = [255, 255, 255];
  for (let n = node.parentElement; n; n = n.parentElement) {
    const c = rgb(getComputedStyle(n).backgroundColor);
    if ((c[3] ?? 1) > 0.5) { back = c; break; }
  }
  const [x, y] = [lum(rgb(getComputedStyle(node)[property])), lum(back)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}"""


def overflow(page):
    """How many pixels the page is wider than the window (0: nothing to scroll sideways)."""
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


def assert_readable(page):
    assert page.evaluate(CONTRAST_JS) == []


def test_hidden_things_stay_hidden(page, server):
    from playwright.sync_api import expect

    base, _ = server
    page.goto(base)
    page.get_by_label("E-mail administratora").wait_for()
    expect(page.get_by_role("button", name="Wyloguj")).to_be_hidden()
    expect(page.get_by_label("Kod jednorazowy")).to_be_hidden()
    expect(page.get_by_role("button", name="Zaloguj")).to_be_hidden()
    shot(page, "hidden-sign-in")
    sign_in(page, server)
    expect(page.get_by_role("button", name="Wyloguj")).to_be_visible()

    page.get_by_role("link", name="Dziennik zmian").click()
    page.get_by_role("heading", name="Dziennik zmian").wait_for()
    assert page.locator("#view tbody tr").count() < 200
    expect(page.get_by_role("button", name="Starsze wpisy")).to_be_hidden()

    open_editor(page)
    page.get_by_role("tab", name="JSON").click()
    expect(page.get_by_role("textbox", name="JSON")).to_be_visible()
    expect(page.get_by_role("region", name="Drzewo")).to_be_hidden()
    shot(page, "hidden-json-tab")
    page.get_by_role("tab", name="Drzewo").click()
    expect(page.get_by_role("region", name="Drzewo")).to_be_visible()
    expect(page.get_by_role("textbox", name="JSON")).to_be_hidden()


PAGES = {"Pulpit": "dashboard", "Użytkownicy": "users", "Grupy": "groups", "Numery główne": "numbers",
         "Zapowiedzi": "announcements", "Skrzynki głosowe": "voicemail", "Listy numerów": "lists",
         "Historia połączeń": "calls", "Eksporty": "exports", "Nagrania": "recordings", "Dziennik zmian": "audit",
         "Ustawienia firmy": "company"}


def test_every_page_fits_a_phone_behind_a_menu_button(phone, server):
    from playwright.sync_api import expect

    page = phone
    page.goto(server[0])
    page.get_by_label("E-mail administratora").wait_for()
    assert overflow(page) == 0
    assert_readable(page)
    shot(page, "phone-sign-in")
    sign_in(page, server)
    menu = page.get_by_role("button", name="Menu")
    links = page.get_by_role("navigation").get_by_role("link")
    expect(links.first).to_be_hidden()  # no wall of links above every page
    for name, slug in PAGES.items():
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        if slug == "dashboard":
            shot(page, "phone-menu-open")
        links.filter(has_text=name).click()
        page.get_by_role("heading", name=name).first.wait_for()
        expect(links.first).to_be_hidden()
        expect(menu).to_have_attribute("aria-expanded", "false")
        assert overflow(page) == 0, name
        assert_readable(page)
        shot(page, f"phone-{slug}")
    page.goto(f"{server[0]}/#/users")
    row = page.get_by_role("row", name="Anna Kowalska")  # a table row shown as a card
    expect(row.locator("td").first).to_have_attribute("data-label", "Nazwa")
    assert row.bounding_box()["width"] <= PHONE


def test_the_scenario_editor_and_the_api_page_fit_a_phone(phone, server):
    page = phone
    sign_in(page, server)
    page.goto(f"{server[0]}/#/numbers")
    page.get_by_role("link", name="Edytuj scenariusz").first.click()
    page.locator("[data-node=sales]").click()
    page.get_by_role("form", name="Węzeł sales").get_by_label("Czas dzwonienia (s)").wait_for()
    assert overflow(page) == 0
    assert_readable(page)
    shot(page, "phone-scenario-editor")
    page.goto(f"{server[0]}/#/api")
    page.get_by_role("heading", name="Dokumentacja API").wait_for()
    page.get_by_text("/api/users/{user_id}").first.click()
    assert overflow(page) == 0
    assert_readable(page)
    shot(page, "phone-api-docs")


def test_a_dialog_fits_a_phone_with_every_button_in_reach(phone, server):
    from playwright.sync_api import expect

    page = phone
    sign_in(page, server)
    page.goto(f"{server[0]}/#/users")
    page.get_by_role("button", name="+ Dodaj użytkownika").click()
    dialog = page.get_by_role("dialog")
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844
    save = dialog.get_by_role("button", name="Zapisz")
    save.scroll_into_view_if_needed()
    expect(save).to_be_in_viewport()
    assert overflow(page) == 0
    shot(page, "phone-user-dialog")


def test_input_borders_and_the_focus_ring_stand_out(page, server):
    page.goto(server[0])
    field = page.get_by_label("E-mail administratora")
    field.focus()
    assert page.evaluate(EDGE_JS, ["#view input", "borderTopColor"]) >= 3
    assert page.evaluate(EDGE_JS, ["#view input", "outlineColor"]) >= 3
    page.keyboard.press("Shift+Tab")  # into the header, on the brand colour
    assert page.evaluate("document.activeElement.closest('header') !== null")
    assert page.evaluate("""() => {
      const n = document.activeElement; n.dataset.focused = "1"; return getComputedStyle(n).outlineStyle; }""") == "solid"
    assert page.evaluate(EDGE_JS, ["[data-focused]", "outlineColor"]) >= 3


def test_no_page_is_wider_than_a_tablet_or_a_small_laptop(page, server):
    """Between a phone and a wide screen a wide table scrolls in its own box, not the page."""
    sign_in(page, server)
    for width in (700, 1000):
        page.set_viewport_size({"width": width, "height": 900})
        for slug in [*PAGES.values(), "scenario/1", "api"]:
            page.goto(f"{server[0]}/#/{slug}")
            page.locator("#view h1").first.wait_for()
            assert overflow(page) == 0, (width, slug)
        shot(page, f"width-{width}-api")
    page.goto(f"{server[0]}/#/users")
    page.locator("#view table").wait_for()
    assert page.evaluate("(box => box.scrollWidth > box.clientWidth)(document.querySelector('.table-scroll'))")
    shot(page, "width-1000-users")
