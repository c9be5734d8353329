"""``centralka contacts list|import|export --tenant …``: the address book from the command line."""
from __future__ import annotations

import json

from sqlalchemy import select

from pbx import models
from pbx.cli import main
from pbx.extensions import db

CSV = ("name,company,numbers,groups,note\r\n"
       "Jan Kowalski,Hurtownia JK,komórka: 601 222 333; 22 610 20 30,\"Stali klienci, VIP\",Dzwoni rano\r\n"
       "Ewa Mazur,,+44 20 7123 4567,,\r\n")


def book(tenant) -> list[tuple]:
    rows = db.session.scalars(select(models.Contact).where(models.Contact.tenant_id == tenant.id)
                              .order_by(models.Contact.name))
    return [(c.name, [n["number"] for n in c.numbers], c.groups) for c in rows]


def test_import_then_list_and_export_in_every_format(cli, company, tmp_path):
    source = tmp_path / "kontakty.csv"
    source.write_text(CSV, encoding="utf-8")
    assert cli.run("contacts", "import", "--tenant", "Kancelaria Nowak", source).stdout == \
        "added 2 contacts to Kancelaria Nowak\n"
    assert book(company) == [("Ewa Mazur", ["+442071234567"], []),
                             ("Jan Kowalski", ["+48601222333", "+48226102030"], ["Stali klienci", "VIP"])]
    listed = cli.run("contacts", "list", "--tenant", "Kancelaria Nowak").stdout.splitlines()
    assert [line.split("\t")[1:] for line in listed] == [
        ["Ewa Mazur", "-", "+442071234567", "-"],
        ["Jan Kowalski", "Hurtownia JK", "+48601222333, +48226102030", "Stali klienci, VIP"]]
    assert [c["name"] for c in cli.json("contacts", "list", "--company", "Kancelaria Nowak")] == \
        ["Ewa Mazur", "Jan Kowalski"]

    excel = tmp_path / "excel.csv"
    cli.run("contacts", "export", "--tenant", "Kancelaria Nowak", "--format", "csv-excel", "--output", excel)
    assert excel.read_text(encoding="utf-8").startswith("\ufeffNazwa;Firma;Numery;Grupy;Notatka")
    card = cli.run("contacts", "export", "--tenant", "Kancelaria Nowak", "--format", "vcard").stdout
    assert card.count("BEGIN:VCARD") == 2 and "FN:Jan Kowalski" in card

    # what goes out comes back: into another company, from standard input
    cli.run("tenant", "create", "--name", "Biuro Mazur", "--main-number", "+48 22 765 43 21")
    other = db.session.scalar(select(models.Tenant).where(models.Tenant.name == "Biuro Mazur"))
    result = cli.app.test_cli_runner().invoke(main, ["contacts", "import", "--tenant", "Biuro Mazur", "-"], input=card)
    assert result.exit_code == 0, result.output
    assert book(other) == book(company)


def test_a_bad_record_is_named_and_nothing_is_stored(cli, company, tmp_path):
    source = tmp_path / "zle.csv"
    source.write_text(CSV + "Adam,,12345,,\r\n", encoding="utf-8")
    errors = cli.refused("contacts", "import", "--tenant", "Kancelaria Nowak", source)
    assert "error: rows.2.numbers.0.number:" in errors and "'12345'" in errors
    assert book(company) == []
    empty = tmp_path / "pusty.csv"
    empty.write_text("", encoding="utf-8")
    assert "error: file:" in cli.refused("contacts", "import", "--tenant", "Kancelaria Nowak", empty)


def test_the_changes_are_audited_as_the_operator(cli, company, tmp_path):
    source = tmp_path / "kontakty.csv"
    source.write_text(CSV, encoding="utf-8")
    cli.run("contacts", "import", "--tenant", "Kancelaria Nowak", source)
    entries = db.session.scalars(select(models.AuditLogEntry).where(
        models.AuditLogEntry.tenant_id == company.id, models.AuditLogEntry.entity == "Contact")).all()
    assert sorted((e.actor, e.action) for e in entries) == [("cli:ops", "create")] * 2


def test_an_unknown_company_is_refused(cli, company):
    assert "Nobody Ltd" in cli.refused("contacts", "list", "--tenant", "Nobody Ltd")


def test_the_demo_company_has_contacts_in_a_group(cli, demo):
    rows = json.loads(cli.run("contacts", "list", "--tenant", "Firma ABC", "--json").stdout)
    assert len(rows) == 3
    regulars = [r["name"] for r in rows if "Stali klienci" in r["groups"]]
    assert regulars == ["Ewa Mazur", "Jan Zieliński"]
