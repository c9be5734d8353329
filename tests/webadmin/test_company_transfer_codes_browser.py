"""The company settings form: the owner sets the transfer codes; a pair the switch cannot bind is explained."""
import pytest

from tests.support.browser import needs_chromium, sign_in

pytestmark = needs_chromium


def test_owner_sets_the_transfer_codes_in_the_settings_form(page, server):
    from pbx.extensions import db
    from pbx.models import AuditLogEntry, Tenant

    _, app = server
    sign_in(page, server)
    page.get_by_role("link", name="Ustawienia firmy").click()
    blind, attended = page.get_by_label("Kod przełączenia rozmowy"), page.get_by_label("Kod przełączenia z zapowiedzią")
    assert (blind.input_value(), attended.input_value()) == ("*1", "")  # announced: off until switched on
    blind.fill("#3")
    attended.fill("*2")
    page.get_by_role("button", name="Zapisz").click()
    page.get_by_text("Oba kody przełączenia muszą zaczynać się tym samym klawiszem i różnić cyfrą "
                     "(teraz #3 i *2).").wait_for()
    attended.fill("#4")
    page.get_by_label("Kod nagrywania na żądanie").fill("#5")  # the record code follows the meta key
    with page.expect_response("**/api/company") as saved:
        page.get_by_role("button", name="Zapisz").click()
    assert saved.value.status == 200
    attended.fill("")  # empty: the announced transfer is off
    with page.expect_response("**/api/company") as saved:
        page.get_by_role("button", name="Zapisz").click()
    assert saved.value.json()["transfer_attended_code"] is None
    with app.app_context():
        tenant = db.session.scalars(db.select(Tenant)).first()
        assert (tenant.transfer_blind_code, tenant.transfer_attended_code) == ("#3", None)
        changes = [e.changes for e in db.session.scalars(db.select(AuditLogEntry).filter_by(entity="Tenant"))]
        assert {"transfer_attended_code": ["#4", None]} in changes


@pytest.fixture(autouse=True)
def _codes_put_back(server):
    yield
    from pbx.extensions import db
    from pbx.models import Tenant

    with server[1].app_context():
        tenant = db.session.scalars(db.select(Tenant)).first()
        tenant.transfer_blind_code, tenant.transfer_attended_code, tenant.record_code = "*1", None, "*3"
        db.session.commit()
