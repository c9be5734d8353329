"""``centralka calls export`` writes the same files as the panel, for any number of rows."""
from __future__ import annotations

import csv

import openpyxl
import pytest

from tests.cli.conftest import Cli
from tests.exports.test_files import KEYS, PLAIN, POLISH, POLISH_HEADERS, WORKBOOK


@pytest.fixture
def cli(ctx, monkeypatch):
    monkeypatch.setenv("USER", "ops")
    return Cli(ctx)


def test_each_format_to_a_file(cli, finance_calls, tmp_path):
    plain, excel, book = tmp_path / "plain.csv", tmp_path / "excel.csv", tmp_path / "book.xlsx"
    period = ("--tenant", "Firma ABC", "--from", "01.03.2026", "--to", "2026-10-31")
    cli.run("calls", "export", *period, "--format", "csv", "--output", plain)
    cli.run("calls", "export", *period, "--format", "csv-excel", "--output", excel)
    result = cli.run("calls", "export", *period, "--format", "xlsx", "--output", book)
    assert f"{book}: {book.stat().st_size} bytes (xlsx)" in result.stderr
    assert list(csv.reader(plain.open(encoding="utf-8", newline=""))) == [KEYS, *PLAIN]
    assert excel.read_bytes().startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(excel.open(encoding="utf-8-sig", newline=""), delimiter=";")) == [POLISH_HEADERS, *POLISH]
    assert list(openpyxl.load_workbook(book).active.iter_rows(values_only=True))[1:] == WORKBOOK


def test_filters_by_names(cli, finance_calls, tmp_path):
    out = tmp_path / "calls.csv"
    cli.run("calls", "export", "--tenant", "Firma ABC", "--user", "Piotr Nowak", "--answered", "--output", out)
    assert [row["caller"] for row in csv.DictReader(out.open(newline=""))] == ["+48500500500"]
    cli.run("calls", "export", "--tenant", "Firma ABC", "--group", "Księgowość", "--output", out)
    assert [row["caller"] for row in csv.DictReader(out.open(newline=""))] == ["+48600100200"]
    cli.run("calls", "export", "--tenant", "Firma ABC", "--main-number", "22 100 00 99", "--output", out)
    assert [row["main_number_name"] for row in csv.DictReader(out.open(newline=""))] == ["Infolinia"]


def test_bad_input_is_refused_naming_the_option(cli, finance_calls, tmp_path):
    out = str(tmp_path / "calls.csv")
    assert "error: from: '31.02.2026' is not a date" in cli.refused(
        "calls", "export", "--tenant", "Firma ABC", "--from", "31.02.2026", "--output", out)
    assert "error: user: Firma ABC has no user 'Jan Kowalski'" in cli.refused(
        "calls", "export", "--tenant", "Firma ABC", "--user", "Jan Kowalski", "--output", out)
    assert "no company with id or name 'Nikt'" in cli.refused("calls", "export", "--tenant", "Nikt", "--output", out)


def test_users_export_for_polish_excel(cli, finance_calls, tmp_path):
    out = tmp_path / "users.csv"
    cli.run("user", "export", "--tenant", "Firma ABC", "--format", "csv-excel", "--output", out)
    rows = list(csv.reader(out.open(encoding="utf-8-sig", newline=""), delimiter=";"))
    assert rows[0][:2] == ["Imię", "Nazwisko"] and ["Magdalena", "Kamińska"] in [row[:2] for row in rows]
