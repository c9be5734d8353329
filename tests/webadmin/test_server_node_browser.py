"""The "Call a server" node in the panel: the company's signing key shown once, the node's form,
answers the admin names, and the fallback branch."""
from __future__ import annotations

import re

from tests.support.browser import needs_chromium, sign_in

pytestmark = needs_chromium


def test_an_owner_makes_the_signing_key_and_sees_it_once(page, server):
    from pbx.extensions import db
    from pbx.models import Tenant

    base, app = server
    sign_in(page, server)
    page.get_by_role("link", name="Ustawienia firmy").click()
    section = page.get_by_role("region", name="Klucz podpisu dla „Wywołaj serwer”")
    section.get_by_text("Firma nie ma jeszcze klucza.").wait_for()
    section.get_by_role("button", name="Utwórz nowy klucz").click()
    key = section.locator("code")
    key.wait_for()
    shown = key.inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", shown)
    with app.app_context():
        assert db.session.scalars(db.select(Tenant).filter_by(name="Firma ABC")).one().server_secret == shown
    page.reload()
    page.get_by_role("region", name="Klucz podpisu dla „Wywołaj serwer”").get_by_text("Klucz jest ustawiony.").wait_for()
    assert page.locator("code", has_text=shown).count() == 0  # never shown again


def test_a_server_node_with_named_answers_and_a_fallback(page, server):
    from pbx.extensions import db
    from pbx.models import MainNumber

    base, app = server
    sign_in(page, server)
    page.get_by_role("link", name="Numery główne").click()
    page.get_by_role("row", name="+48221000000").get_by_role("link", name="Edytuj scenariusz").click()
    page.locator("[data-node=main_menu]").click()
    adder = page.locator(".empty-slot").filter(has=page.get_by_label("Gałąź (main_menu)"))
    adder.get_by_label("Gałąź (main_menu)").select_option("options.3")
    adder.get_by_label("Rodzaj węzła").select_option("server")
    adder.get_by_role("button", name="+ Dodaj").click()
    form = page.get_by_role("form", name="Węzeł server_1")
    assert form.get_by_label("Czas na odpowiedź serwera (ms)").input_value() == "1500"
    form.get_by_label("Adres serwera firmy (https://…)").fill("https://crm.firma-abc.example/centralka")
    form.get_by_label("Serwer może wskazać użytkownika (numer wewnętrzny)").check()
    with page.expect_response("**/scenario/check"):
        form.get_by_role("button", name="Zastosuj").click()
    # Without a fallback branch the check warns.
    page.get_by_text("Brak gałęzi „awaryjna”").first.wait_for()

    own = page.locator(".empty-slot").filter(has=page.get_by_label("Gałąź (server_1)"))
    assert own.get_by_label("Nazwa odpowiedzi (server_1)").is_hidden()  # until a new answer is chosen
    own.get_by_label("Gałąź (server_1)").select_option("answers.")
    own.get_by_label("Nazwa odpowiedzi (server_1)").fill("Zle imie")
    own.get_by_label("Rodzaj węzła").select_option("hangup")
    own.get_by_role("button", name="+ Dodaj").click()
    page.get_by_text("Nazwa odpowiedzi „Zle imie”").wait_for()
    own.get_by_label("Nazwa odpowiedzi (server_1)").fill("sprzedaz")
    with page.expect_response("**/scenario/check"):
        own.get_by_role("button", name="+ Dodaj").click()
    page.locator(".branch", has_text="odpowiedź sprzedaz").wait_for()
    own = page.locator(".empty-slot").filter(has=page.get_by_label("Gałąź (server_1)"))
    own.get_by_label("Gałąź (server_1)").select_option("fallback")
    own.get_by_label("Rodzaj węzła").select_option("hangup")
    with page.expect_response("**/scenario/check"):
        own.get_by_role("button", name="+ Dodaj").click()
    page.get_by_role("button", name="Zapisz szkic").click()
    page.get_by_text("Szkic zapisany.").wait_for()
    with app.app_context():
        number = db.session.scalars(db.select(MainNumber).filter_by(number="+48221000000")).one()
        node = number.scenario.draft["root"]["open"]["next"]["options"]["3"]
    assert (node["kind"], node["url"], node["target_user"]) == ("server", "https://crm.firma-abc.example/centralka", True)
    assert list(node["answers"]) == ["sprzedaz"] and node["answers"]["sprzedaz"]["kind"] == "hangup"
    assert node["fallback"]["kind"] == "hangup"
