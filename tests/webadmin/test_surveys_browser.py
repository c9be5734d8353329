"""Journeys in headless Chromium: a survey made in the panel (a wrong key named at its question, in
Polish), chosen on a forward in the scenario editor, and its report over the company's days.
Screenshots: /tmp/panel-shots/surveys-*.png."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from tests.support.browser import demo_panel, needs_chromium, node_form, open_editor, shot, sign_in

pytestmark = needs_chromium


def _answers(tenant):
    """Three answered surveys of an earlier survey "Obsługa" on 3 March 2026 (Warsaw), for the report."""
    from pbx import models, surveys
    from pbx.extensions import db

    prompt = db.session.scalar(db.select(models.Announcement.id).where(models.Announcement.tenant_id == tenant.id))
    survey = surveys.add_survey(tenant, {"name": "Obsługa", "questions": [{"prompt": prompt, "keys": "12345",
                                                                          "label": "Uprzejmość"}]})
    anna = tenant.users[0]
    for call, hour, key in (("a", 8, 5), ("b", 9, 4), ("c", 10, 2)):
        db.session.add(models.SurveyAnswer(tenant_id=tenant.id, survey_id=survey.id, call_uuid=call,
                                           at=datetime(2026, 3, 3, hour, tzinfo=timezone.utc), user_id=anna.id,
                                           answers=[key]))
    return anna.full_name


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with demo_panel(tmp_path_factory.mktemp("surveys"), _answers) as (port, app, employee):
        yield f"http://127.0.0.1:{port}", app, employee


def test_a_survey_is_made_with_its_mistakes_named_then_chosen_on_a_forward(page, server):
    sign_in(page, server[:2])
    page.get_by_role("navigation").get_by_role("link", name="Ankiety").click()
    page.get_by_role("button", name="+ Dodaj ankietę").click()
    dialog = page.get_by_role("dialog", name="Dodaj ankietę")
    dialog.get_by_label("Nazwa", exact=True).fill("Po rozmowie")
    dialog.get_by_label("Pytanie 1: zapowiedź").select_option(label="Powitanie")
    dialog.get_by_label("Pytanie 2: zapowiedź").select_option(label="Powitanie")
    dialog.get_by_label("Pytanie 2: klawisze odpowiedzi").fill("1#")
    dialog.get_by_role("button", name="Zapisz").click()
    keys = dialog.get_by_label("Pytanie 2: klawisze odpowiedzi")
    expect(keys).to_have_attribute("aria-invalid", "true")
    expect(dialog.locator("[data-error-for=q2_keys]")).to_have_text(
        "Klawisze odpowiedzi to cyfry 0–9, każda raz, na przykład 12345.")
    shot(page, "surveys-wrong-keys")
    keys.fill("12")
    dialog.get_by_role("button", name="Zapisz").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("row", name="Po rozmowie")).to_contain_text("1: 12345; 2: 12")

    open_editor(page)
    form = node_form(page, "sales")
    form.get_by_label("Ankieta po rozmowie").select_option(label="Po rozmowie")
    form.get_by_role("button", name="Zastosuj").click()
    page.get_by_role("button", name="Zapisz szkic").click()
    expect(page.locator("[data-node=sales]")).to_contain_text("Po rozmowie")
    shot(page, "surveys-forward")


def test_the_report_shows_the_average_distribution_and_employees(page, server):
    sign_in(page, server[:2])
    page.goto(f"{server[0]}/#/surveys")
    report = page.get_by_role("form", name="Raport ankiety")
    report.get_by_label("Ankieta", exact=True).select_option(label="Obsługa")
    report.get_by_label("Od dnia").fill("03.03.2026")
    report.get_by_label("Do dnia").fill("03.03.2026")
    report.get_by_role("button", name="Pokaż raport").click()
    results = page.locator(".survey-report")
    expect(results).to_contain_text("Ankiety wypełnione w tym okresie: 3")
    questions = results.get_by_role("table").filter(has_text="Wyniki pytań")
    expect(questions.get_by_role("row", name="1. Uprzejmość")).to_contain_text("3,67")
    expect(questions.get_by_role("row", name="1. Uprzejmość")).to_contain_text("1: 0, 2: 1, 3: 0, 4: 1, 5: 1")
    employees = results.get_by_role("table").filter(has_text="Według pracowników")
    expect(employees.get_by_role("row", name=server[2])).to_contain_text("3,67")
    shot(page, "surveys-report")
