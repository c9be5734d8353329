"""Recording on demand in the panel: the owner gives a user the right and sets the code and the notice;
a record code the switch cannot bind beside the transfer codes is explained."""
import re

import pytest

from tests.support.browser import needs_chromium, sign_in

pytestmark = needs_chromium


def test_owner_gives_a_user_the_right_to_record_on_demand(page, server):
    from pbx.extensions import db
    from pbx.models import AuditLogEntry, User

    _, app = server
    sign_in(page, server)
    page.get_by_role("link", name="Użytkownicy").click()
    row = page.get_by_role("row", name=re.compile("Michał Lewandowski"))
    row.get_by_role("button", name="Edytuj").click()
    right = page.get_by_label("Nagrywanie na żądanie (kod w trakcie rozmowy)")
    assert not right.is_checked()
    right.check()
    with page.expect_response("**/api/users/*") as saved:
        page.get_by_role("button", name="Zapisz").click()
    assert saved.value.status == 200 and saved.value.json()["may_record_on_demand"] is True
    with app.app_context():
        user = db.session.scalars(db.select(User).filter_by(last_name="Lewandowski")).first()
        assert user.may_record_on_demand
        changes = [e.changes for e in db.session.scalars(db.select(AuditLogEntry).filter_by(entity="User"))]
        assert {"may_record_on_demand": [False, True]} in changes
    page.get_by_role("link", name="Dziennik zmian").click()
    page.get_by_text("Nagrywanie na żądanie").first.wait_for()


def test_owner_sets_the_record_code_and_the_notice(page, server):
    from pbx.extensions import db
    from pbx.models import Announcement, Tenant

    _, app = server
    sign_in(page, server)
    page.get_by_role("link", name="Ustawienia firmy").click()
    code = page.get_by_label("Kod nagrywania na żądanie")
    assert code.input_value() == "*3"
    code.fill("*1")
    page.get_by_role("button", name="Zapisz").click()
    page.get_by_text("Kod nagrywania musi zaczynać się tym samym klawiszem co kody przełączenia i mieć inną cyfrę "
                     "(teraz *1; kody przełączenia *1).").wait_for()
    code.fill("*7")
    with app.app_context():
        notice = db.session.scalars(db.select(Announcement)).first()
    page.get_by_label("Oświadczenie o nagrywaniu").select_option(label=notice.name)
    with page.expect_response("**/api/company") as saved:
        page.get_by_role("button", name="Zapisz").click()
    assert saved.value.status == 200
    with app.app_context():
        tenant = db.session.scalars(db.select(Tenant)).first()
        assert (tenant.record_code, tenant.recording_notice_id) == ("*7", notice.id)


@pytest.fixture(autouse=True)
def _put_back(server):
    yield
    from pbx.extensions import db
    from pbx.models import Tenant, User

    with server[1].app_context():
        tenant = db.session.scalars(db.select(Tenant)).first()
        tenant.record_code, tenant.recording_notice_id = "*3", None
        for user in db.session.scalars(db.select(User)):
            user.may_record_on_demand = False
        db.session.commit()
