"""Search (?q=) and paging (?page=, ?per_page=) of the company's lists through the REST API."""
from __future__ import annotations

import gc
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, update

from pbx import directory, models
from pbx.extensions import db
from pbx.listing import Search


def _names(response):
    return [u["last_name"] for u in response.get_json()]


@pytest.mark.parametrize("typed", ["wisniewska", "WIŚNIEWSKA", "Wiśniew", "katarzyna wis"])
def test_a_user_is_found_whatever_the_case_and_polish_letters(as_viewer, typed):
    response = as_viewer.get("/api/users", query_string={"q": typed})
    assert response.status_code == 200
    assert _names(response) == ["Wiśniewska"]
    assert response.headers["X-Total-Count"] == "1"


def test_l_with_stroke_is_found_as_l(as_viewer):
    """ł does not decompose in Unicode: "lodz" must still find "Łódź"."""
    assert Search("lodz").matches("Oddział Łódź")
    assert _names(as_viewer.get("/api/users?q=michal")) == ["Lewandowski"]


def test_users_are_found_by_email_phone_and_extension(as_viewer):
    assert _names(as_viewer.get("/api/users?q=tomasz.wojcik@")) == ["Wójcik"]
    assert _names(as_viewer.get("/api/users?q=503 456")) == ["Wiśniewska"]  # stored as +48503456789
    assert _names(as_viewer.get("/api/users?q=22-555-01")) == ["Kamińska"]
    assert _names(as_viewer.get("/api/users?q=105")) == ["Kamińska"]
    assert as_viewer.get("/api/users?q=zzz").get_json() == []


def test_pages_hold_per_page_rows_and_the_total_counts_every_match(as_viewer, demo):
    everyone = _names(as_viewer.get("/api/users"))
    assert len(everyone) == len(demo.users) == 7  # the demo's six and the viewer
    first = as_viewer.get("/api/users?page=1&per_page=4")
    second = as_viewer.get("/api/users?page=2&per_page=4")
    assert _names(first) + _names(second) == everyone
    assert len(_names(second)) == 3
    assert first.headers["X-Total-Count"] == second.headers["X-Total-Count"] == "7"
    assert as_viewer.get("/api/users?page=3&per_page=4").get_json() == []


@pytest.mark.parametrize(("query", "parameter"), [
    ("page=0", "page"), ("page=abc", "page"), ("per_page=0", "per_page"), ("per_page=201", "per_page"),
    ("per_page=", "per_page"), ("q=" + "x" * 101, "q"), ("q=a%07b", "q"),
])
def test_a_bad_parameter_is_a_400_naming_it(as_viewer, query, parameter):
    response = as_viewer.get(f"/api/users?{query}")
    assert response.status_code == 400
    assert list(response.get_json()["fields"]) == [parameter]


def test_a_refused_list_leaves_no_read_open_that_blocks_writers(as_viewer, viewer):
    """The query runs only once the parameters are good: a result started and never read lives on
    with the 400's traceback until garbage collection, and on SQLite its statement keeps a read
    lock that makes another connection's writes fail with "database is locked"."""
    viewer_id = viewer.id
    gc.disable()  # keep whatever the refused request left behind alive, as between two collections
    try:
        for path in ("/api/users", "/api/groups", "/api/main-numbers", "/api/number-lists",
                     "/api/voicemail-boxes", "/api/announcements"):
            assert as_viewer.get(f"{path}?page=0").status_code == 400
        db.session.remove()
        other = create_engine(db.engine.url, connect_args={"timeout": 0.5} if db.engine.dialect.name == "sqlite"
                              else {"options": "-c lock_timeout=500"})
        try:
            with other.begin() as conn:
                conn.execute(update(models.User).where(models.User.id == viewer_id).values(first_name="Zmieniony"))
        finally:
            other.dispose()
    finally:
        gc.enable()


def test_the_refusal_speaks_polish_to_the_polish_panel(as_viewer):
    response = as_viewer.get("/api/groups?page=-1", headers={"Accept-Language": "pl"})
    assert response.status_code == 400
    assert "od 1 do" in response.get_json()["fields"]["page"][0]


def test_every_list_searches_its_own_words(as_viewer):
    found = {path: [row.get("name") or row.get("number") for row in as_viewer.get(path).get_json()]
             for path in ("/api/groups?q=ksiegowosc", "/api/groups?q=wojcik", "/api/announcements?q=czynne od",
                          "/api/voicemail-boxes?q=POCZTA", "/api/main-numbers?q=22 100", "/api/main-numbers?q=głów")}
    assert found == {
        "/api/groups?q=ksiegowosc": ["Księgowość"], "/api/groups?q=wojcik": ["Księgowość"],
        "/api/announcements?q=czynne od": ["Zamknięte"], "/api/voicemail-boxes?q=POCZTA": ["Poczta główna"],
        "/api/main-numbers?q=22 100": ["+48221000000"], "/api/main-numbers?q=głów": ["+48221000000"],
    }


def test_number_lists_are_found_by_a_number_on_them(as_editor, demo):
    as_editor.post("/api/number-lists", json={"name": "Stali klienci", "kind": "vip", "patterns": ["+48600111222"]})
    as_editor.post("/api/number-lists", json={"name": "Zablokowani", "kind": "blacklist", "patterns": ["+48700*"]})
    assert [lst["name"] for lst in as_editor.get("/api/number-lists?q=600 111").get_json()] == ["Stali klienci"]
    assert [lst["name"] for lst in as_editor.get("/api/number-lists?q=zablok").get_json()] == ["Zablokowani"]


def test_a_search_never_finds_another_companys_rows(as_viewer, stranger):
    assert as_viewer.get("/api/users?q=olga").get_json() == []
    assert as_viewer.get("/api/main-numbers?q=333").get_json() == []


def _calls(tenant, users, count):
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for i in range(count):
        db.session.add(models.CallRecord(
            tenant_id=tenant.id, call_uuid=f"call-{tenant.id}-{i}", caller=f"+4860010{i:04d}",
            destination="+48221000000", main_number="+48221000000", started_at=start + timedelta(minutes=i),
            answered_by_user_id=users[i % len(users)].id))
    db.session.commit()


def test_call_history_is_searched_and_paged_newest_first(as_viewer, demo, stranger):
    _calls(demo, demo.users[1:3], 30)  # Piotr Nowak answers the even ones, Katarzyna Wiśniewska the odd
    _calls(stranger.tenant, [stranger], 5)
    page = as_viewer.get("/api/calls?per_page=10&page=2")
    assert page.headers["X-Total-Count"] == "30"
    assert [c["caller"] for c in page.get_json()] == [f"+4860010{i:04d}" for i in range(19, 9, -1)]
    by_name = as_viewer.get("/api/calls?q=wisniewska&per_page=5")
    assert by_name.headers["X-Total-Count"] == "15"
    assert {c["answered_by"] for c in by_name.get_json()} == {"Katarzyna Wiśniewska"}
    by_number = as_viewer.get("/api/calls", query_string={"q": "600 100 017"})
    assert [c["caller"] for c in by_number.get_json()] == ["+48600100017"]
    assert as_viewer.get("/api/calls?q=olga").get_json() == []  # the other company's person answers nothing here
    assert as_viewer.get("/api/calls?q=100%").get_json() == []  # a LIKE wildcard is only a character
    assert as_viewer.get("/api/calls?per_page=500").status_code == 400


def test_lists_keep_answering_every_row_without_paging(as_viewer, demo):
    directory.add_group(demo, {"name": "Łączność", "ring_mode": "random"})
    db.session.commit()
    response = as_viewer.get("/api/groups")
    assert {g["name"] for g in response.get_json()} == {"Księgowość", "Łączność", "Sprzedaż"}
    assert response.headers["X-Total-Count"] == "3"
    assert [g["name"] for g in as_viewer.get("/api/groups?q=lacz").get_json()] == ["Łączność"]


def test_the_api_document_names_the_list_parameters(as_viewer):
    document = as_viewer.get("/api/openapi.json").get_json()
    parameters = {p["name"] for p in document["paths"]["/api/users"]["get"]["parameters"]}
    assert {"q", "page", "per_page"} <= parameters
    assert "X-Total-Count" in document["paths"]["/api/calls"]["get"]["responses"]["2XX"]["headers"]
