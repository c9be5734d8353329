"""The exported files opened back with real readers (csv, openpyxl) and compared cell by cell with
the hand-made records of conftest.py: headers, times in Warsaw across both DST changes, decimals,
names instead of ids, Polish letters, and no cell a spreadsheet would run as a formula."""
from __future__ import annotations

import csv
import io
from datetime import datetime

import openpyxl

PERIOD = "from=2026-03-01&to=2026-10-31"
KEYS = ["started_at", "ended_at", "direction", "main_number", "main_number_name", "caller", "destination", "answered",
        "answered_by", "answered_by_groups", "answered_number", "wait_seconds", "talk_seconds", "talk_minutes",
        "hangup_cause", "path"]
PLAIN = [
    ["2026-03-29 01:30:00+01:00", "2026-03-29 01:32:05+01:00", "in", "+48221000000", "Główny", "+48600100200",
     "48221000000", "yes", "Magdalena Kamińska", "Księgowość", "105", "12", "113", "1.88", "NORMAL_CLEARING",
     "hours:open > main_menu:2 > accounting"],
    ["2026-03-29 03:30:00+02:00", "2026-03-29 03:30:30+02:00", "in", "+48221000099", "Infolinia",
     "'=HYPERLINK(\"http://x\")", "48221000099", "no", "", "", "", "30", "0", "0.00", "NO_ANSWER", "hours:open"],
    ["2026-10-25 02:30:00+02:00", "2026-10-25 02:31:00+02:00", "out", "+48221000000", "Główny", "105",
     "+48600300400", "yes", "", "", "+48600300400", "0", "60", "1.00", "NORMAL_CLEARING", ""],
    ["2026-10-25 02:30:00+01:00", "2026-10-25 02:30:35+01:00", "in", "+48221000000", "Główny", "+48500500500",
     "48221000000", "yes", "Piotr Nowak", "Sprzedaż", "102", "5", "30", "0.50", "NORMAL_CLEARING",
     "hours:open > main_menu:1 > sales"],
]
POLISH_HEADERS = ["Początek", "Koniec", "Kierunek", "Numer główny", "Nazwa numeru głównego", "Dzwoniący",
                  "Wybrany numer", "Odebrane", "Odebrał(a)", "Grupy odbierającego", "Odebrane pod numerem",
                  "Oczekiwanie (s)", "Rozmowa (s)", "Rozmowa (min)", "Przyczyna rozłączenia", "Ścieżka połączenia"]
POLISH = [
    ["29.03.2026 01:30:00", "29.03.2026 01:32:05", "przychodzące", "+48221000000", "Główny", "+48600100200",
     "48221000000", "tak", "Magdalena Kamińska", "Księgowość", "105", "12", "113", "1,88", "NORMAL_CLEARING",
     "hours:open > main_menu:2 > accounting"],
    ["29.03.2026 03:30:00", "29.03.2026 03:30:30", "przychodzące", "+48221000099", "Infolinia",
     "'=HYPERLINK(\"http://x\")", "48221000099", "nie", "", "", "", "30", "0", "0,00", "NO_ANSWER", "hours:open"],
    ["25.10.2026 02:30:00", "25.10.2026 02:31:00", "wychodzące", "+48221000000", "Główny", "105",
     "+48600300400", "tak", "", "", "+48600300400", "0", "60", "1,00", "NORMAL_CLEARING", ""],
    ["25.10.2026 02:30:00", "25.10.2026 02:30:35", "przychodzące", "+48221000000", "Główny", "+48500500500",
     "48221000000", "tak", "Piotr Nowak", "Sprzedaż", "102", "5", "30", "0,50", "NORMAL_CLEARING",
     "hours:open > main_menu:1 > sales"],
]
WORKBOOK = [
    (datetime(2026, 3, 29, 1, 30), datetime(2026, 3, 29, 1, 32, 5), "przychodzące", "+48221000000", "Główny",
     "+48600100200", "48221000000", "tak", "Magdalena Kamińska", "Księgowość", "105", 12, 113, 1.88,
     "NORMAL_CLEARING", "hours:open > main_menu:2 > accounting"),
    (datetime(2026, 3, 29, 3, 30), datetime(2026, 3, 29, 3, 30, 30), "przychodzące", "+48221000099", "Infolinia",
     "'=HYPERLINK(\"http://x\")", "48221000099", "nie", None, None, None, 30, 0, 0, "NO_ANSWER", "hours:open"),
    (datetime(2026, 10, 25, 2, 30), datetime(2026, 10, 25, 2, 31), "wychodzące", "+48221000000", "Główny", "105",
     "+48600300400", "tak", None, None, "+48600300400", 0, 60, 1, "NORMAL_CLEARING", None),
    (datetime(2026, 10, 25, 2, 30), datetime(2026, 10, 25, 2, 30, 35), "przychodzące", "+48221000000", "Główny",
     "+48500500500", "48221000000", "tak", "Piotr Nowak", "Sprzedaż", "102", 5, 30, 0.5, "NORMAL_CLEARING",
     "hours:open > main_menu:1 > sales"),
]


def _export(client, query: str):
    response = client.get(f"/api/calls/export?{PERIOD}&{query}")
    assert response.status_code == 200, response.get_json()
    return response


def test_plain_csv_is_utf8_with_commas_iso_times_with_offsets_and_dot_decimals(as_viewer, finance_calls):
    response = _export(as_viewer, "format=csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == "attachment; filename=calls_2026-03-01_2026-10-31.csv"
    data = response.get_data()
    assert not data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows == [KEYS, *PLAIN]
    assert data.split(b"\r\n")[0] == ",".join(KEYS).encode()


def test_polish_excel_csv_has_a_bom_semicolons_polish_headers_dates_and_decimal_commas(as_viewer, finance_calls):
    data = _export(as_viewer, "format=csv-excel").get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # without it Excel reads "KamiÅ„ska"
    text = data.decode("utf-8-sig")
    assert text.split("\r\n")[0] == ";".join(POLISH_HEADERS)
    assert list(csv.reader(io.StringIO(text, newline=""), delimiter=";")) == [POLISH_HEADERS, *POLISH]


def test_xlsx_has_real_time_and_number_cells_in_warsaw_time(as_viewer, finance_calls):
    response = _export(as_viewer, "format=xlsx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    assert sheet.title == "Połączenia"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == POLISH_HEADERS
    assert rows[1:] == WORKBOOK
    assert sheet["A2"].number_format == "dd.mm.yyyy hh:mm:ss" and sheet["N2"].number_format == "0.00"
    assert sheet["F3"].data_type == "s"  # the caller id stays text, not a formula


def test_xlsx_in_english(as_viewer, finance_calls):
    sheet = openpyxl.load_workbook(io.BytesIO(_export(as_viewer, "format=xlsx&lang=en").get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "Calls"
    assert rows[0][:4] == ("Started at", "Ended at", "Direction", "Main number")
    assert rows[3][2] == "outgoing" and rows[1][7] == "yes" and rows[2][7] == "no"
    assert sheet["A2"].number_format == "yyyy-mm-dd hh:mm:ss"


def test_the_first_address_still_gives_the_plain_csv(as_viewer, finance_calls):
    data = as_viewer.get(f"/api/calls.csv?{PERIOD}").get_data(as_text=True)
    assert list(csv.reader(io.StringIO(data, newline=""))) == [KEYS, *PLAIN]


def test_users_csv_in_both_dialects(as_viewer, demo):
    plain = as_viewer.get("/api/users.csv").get_data()
    assert not plain.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(plain.decode(), newline="")))
    assert rows[0] == ["first_name", "last_name", "phone", "email", "role", "extension", "description"]
    assert ["Magdalena", "Kamińska", "+48225550105", "magdalena.kaminska@firma-abc.example", "user", "105",
            "Księgowość"] in rows
    excel = as_viewer.get("/api/users.csv?format=csv-excel")
    assert excel.status_code == 200 and excel.get_data().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(excel.get_data().decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == ["Imię", "Nazwisko", "Telefon", "E-mail", "Rola", "Numer wewnętrzny", "Opis"]
    assert ["Magdalena", "Kamińska", "+48225550105", "magdalena.kaminska@firma-abc.example", "użytkownik", "105",
            "Księgowość"] in rows
    assert ["Anna", "Kowalska", "+48501234567", "anna.kowalska@firma-abc.example", "administrator", "101",
            "Recepcja"] in rows
    refused = as_viewer.get("/api/users.csv?format=xlsx", headers={"Accept-Language": "pl"})
    assert refused.status_code == 400 and "format" in refused.get_json()["fields"]
