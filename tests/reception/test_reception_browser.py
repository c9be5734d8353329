"""The reception page in headless Chromium against a fake switch: a waiting caller appears without a
reload, is transferred, and leaves the queue list for the calls ringing; at laptop and phone widths."""
from __future__ import annotations

import pytest
from flask import current_app

from pbx import directory, models, scenarios
from pbx.extensions import db
from tests.reception.conftest import CALLER, MAIN_DIALLED, enters_queue, queue_of, start_switch, use_switches
from tests.support.browser import chromium_page, demo_panel, needs_chromium, shot, sign_in

pytestmark = needs_chromium
SHOWN = "600 100 200"  # the caller's number as the page writes it


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """The demo panel with its scenario published, talking to a fake switch; yields (server, switch)."""
    switch = start_switch()

    def publish(tenant):
        scenario = db.session.scalars(db.select(models.Scenario).where(models.Scenario.tenant_id == tenant.id)).one()
        scenarios.publish(scenario, current_app.config)

    with demo_panel(tmp_path_factory.mktemp("reception"), publish) as (port, app, _):
        use_switches(app, [switch])
        app.config["RECEPTION_VIEW_SECONDS"] = 0.3
        yield (f"http://127.0.0.1:{port}", app), switch
    switch.server.stop()


def open_reception(page, server):
    sign_in(page, server)
    page.goto(f"{server[0]}/#/reception")
    page.get_by_role("heading", name="Recepcja", exact=True).wait_for()


def caller_waits(server, switch):
    base, app = server
    with app.app_context():
        tenant = db.session.scalars(db.select(models.Tenant)).first()
        scenario = tenant.main_numbers[0].scenario
        channel = switch.calls.waiting(tenant.id, CALLER, MAIN_DIALLED, f"s{scenario.id}_sales")
        enters_queue(tenant, channel, queue_of(tenant))
        return tenant.id, channel["uuid"]


def test_a_waiting_caller_appears_is_transferred_and_leaves_the_queue(desk):
    server, switch = desk
    with chromium_page() as page:
        open_reception(page, server)
        page.get_by_text("Nikt nie czeka.").wait_for()
        tenant_id, uuid = caller_waits(server, switch)
        row = page.get_by_role("row", name=SHOWN)
        row.wait_for()  # pushed by the stream, no reload
        assert row.get_by_role("cell").nth(1).inner_text() == "Sprzedaż"
        shot(page, "reception-laptop")
        row.get_by_role("button", name=f"Przekaż: {SHOWN}").click()
        page.get_by_label("Do pracownika lub grupy").select_option(label="Tomasz Wójcik (104)")
        page.get_by_role("dialog").get_by_role("button", name="Przekaż").click()
        page.get_by_text("Połączenie przekazano: Tomasz Wójcik.").wait_for()
        sent = switch.server.commands_starting("api uuid_transfer")
        assert sent[-1] == f"api uuid_transfer {uuid} 104 XML tenant_{tenant_id}"
        page.get_by_text("Nikt nie czeka.").wait_for()
        calls = page.get_by_role("row", name="Dzwoni")
        calls.filter(has_text="Tomasz Wójcik").first.wait_for()
        shot(page, "reception-transferred")


def test_a_call_picked_up_then_announced_to_a_colleague(desk):
    server, switch = desk
    with chromium_page() as page:
        switch.calls.channels.clear()  # the calls of the journey before have ended
        open_reception(page, server)
        tenant_id, uuid = caller_waits(server, switch)
        waiting = page.get_by_role("row", name=SHOWN).filter(has_text="Sprzedaż")
        waiting.get_by_role("button", name=f"Odbierz: {SHOWN}").click()
        page.get_by_text("Połączenie jest przekazywane na Twój telefon.").wait_for()
        anna = next(row for key, row in switch.calls.channels.items() if row.get("call_uuid") == uuid != key)
        anna["callstate"] = switch.calls.channels[uuid]["callstate"] = "ACTIVE"  # she answered
        page.get_by_role("row", name="Rozmowa").filter(has_text="Anna Kowalska").wait_for()
        page.get_by_role("button", name=f"Zapowiedz: {SHOWN}").click()
        page.get_by_label("Albo numer wewnętrzny lub zewnętrzny").fill("105")
        page.get_by_role("dialog").get_by_role("button", name="Zapowiedz").click()
        page.get_by_text("Twój telefon dzwoni do: Magdalena Kamińska.", exact=False).wait_for()
        assert switch.server.commands_starting("api uuid_broadcast")[-1] == (
            f"api uuid_broadcast {anna['uuid']} att_xfer::loopback/105/tenant_{tenant_id} aleg")


def test_the_page_at_phone_width_logging_a_colleague_out_of_a_queue(desk):
    server, switch = desk
    with server[1].app_context():
        tenant = db.session.scalars(db.select(models.Tenant)).first()
        piotr = next(u for u in tenant.users if u.first_name == "Piotr")
        agent = f"t{tenant.id}_g{tenant.groups[0].id}_u{piotr.id}@default"
    switch.calls.callcenter._agent_add(agent, "callback")
    switch.calls.callcenter.agents[agent]["status"] = "Available"
    with chromium_page(width=390, height=844) as page:
        open_reception(page, server)
        page.get_by_text("Sprzedaż: zalogowany").wait_for()
        page.get_by_role("button", name="Wyloguj: Piotr Nowak, Sprzedaż").click()
        page.get_by_text("Piotr Nowak jest wylogowany(-a) z kolejki Sprzedaż.").wait_for()
        page.get_by_role("button", name="Zaloguj: Piotr Nowak, Sprzedaż").wait_for()
        assert switch.calls.callcenter.agents[agent]["status"] == "Logged Out"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(page, "reception-phone")


def test_a_receptionist_who_is_no_admin_sees_the_reception_page_only(desk):
    server, _ = desk
    with server[1].app_context():
        tenant = db.session.scalars(db.select(models.Tenant)).first()
        directory.add_user(tenant, {"first_name": "Renata", "last_name": "Recepcja", "receptionist": True,
                                    "email": "renata@firma-abc.example", "extension": "110"})
        db.session.commit()
    with chromium_page() as page:
        sign_in(page, server, "renata@firma-abc.example", first_page="Recepcja")
        menu = page.get_by_role("navigation")
        assert menu.get_by_role("link").all_inner_texts() == ["Recepcja"]
        page.get_by_text("Renata Recepcja (Recepcja)").wait_for()
        page.goto(f"{server[0]}/#/users")  # any other address shows the reception page too
        page.get_by_role("heading", name="Pracownicy").wait_for()
