"""axe-core (bundled by axe-playwright-python, nothing downloaded at run time) on every panel page, in
Polish, at laptop width and at phone width (390 px): no serious or critical violation.

Screenshots: /tmp/panel-shots/axe-<width>-<page>.png.
"""
from __future__ import annotations

import pytest

from tests.support.browser import chromium_page, needs_chromium, node_form, shot, sign_in

pytestmark = needs_chromium
SERIOUS = {"serious", "critical"}
LISTS = ["users", "groups", "numbers", "announcements", "voicemail", "lists", "contacts", "surveys", "fax", "calls",
         "recordings", "audit"]


def _violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
            for v in found if v["impact"] in SERIOUS]


def _open(page, base, route, heading):
    page.goto(f"{base}/#/{route}")
    page.locator("#view h1").filter(has_text=heading).first.wait_for()


def _node_form(page, base):
    _open(page, base, "scenario/1", "Scenariusz")
    node_form(page, "hours")


def _test_call(page, base):
    _open(page, base, "scenario/1", "Scenariusz")
    page.get_by_role("button", name="Zadzwoń testowo").click()
    page.locator(".testcall ol.story").wait_for()


def _dialog(page, base, route, heading, button):
    _open(page, base, route, heading)
    page.get_by_role("button", name=button).first.click()
    page.get_by_role("dialog").wait_for()


@pytest.mark.parametrize("width", [1400, 390])
def test_no_page_has_a_serious_accessibility_violation(server, width):
    base = server[0]
    found = {}
    with chromium_page(width, 900) as page:
        page.goto(base)
        page.get_by_label("E-mail administratora").wait_for()
        found["sign-in"] = _violations(page)
        sign_in(page, server)
        views = [(route, lambda route=route: _open(page, base, route, "")) for route in ["dashboard", *LISTS, "company", "api"]]
        views += [
            ("scenario", lambda: _open(page, base, "scenario/1", "Scenariusz")),
            ("scenario-node-form", lambda: _node_form(page, base)),
            ("test-call", lambda: _test_call(page, base)),
            ("override", lambda: _dialog(page, base, "scenario/1", "Scenariusz", "Ustaw tymczasową zmianę")),
            ("voicemail-inbox", lambda: _dialog(page, base, "voicemail", "Skrzynki", "Wiadomości")),
            ("user-dialog", lambda: _dialog(page, base, "users", "Użytkownicy", "+ Dodaj użytkownika")),
            ("contact-dialog", lambda: _dialog(page, base, "contacts", "Kontakty", "+ Dodaj kontakt")),
            ("survey-dialog", lambda: _dialog(page, base, "surveys", "Ankiety", "+ Dodaj ankietę")),
        ]
        for name, show in views:
            show()
            page.wait_for_load_state("networkidle")
            found[name] = _violations(page)
            shot(page, f"axe-{width}-{name}")
            if page.locator("dialog[open]").count():
                page.keyboard.press("Escape")
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_the_check_reports_a_serious_violation(server):
    """The run above would fail: a nameless button and grey-on-white text are reported."""
    with chromium_page() as page:
        page.goto(server[0])
        page.get_by_label("E-mail administratora").wait_for()
        page.evaluate("""() => {
          const view = document.getElementById("view");
          view.append(Object.assign(document.createElement("button"), { type: "button" }));
          view.append(Object.assign(document.createElement("p"), { textContent: "blady", style: "color:#bbb" }));
        }""")
        found = " ".join(_violations(page))
    assert "button-name (critical)" in found and "color-contrast (serious)" in found
