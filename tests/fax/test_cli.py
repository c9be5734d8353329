"""``centralka fax send`` queues a PDF for the worker and dials it; a bad file is refused and nothing stored."""
from __future__ import annotations

import json

from sqlalchemy import select

from pbx import models
from pbx.extensions import db
from tests.cli.conftest import cli, company  # noqa: F401  (fixtures)
from tests.fax.test_send import carrier, pdf, switch  # noqa: F401  (fixture)


def test_the_cli_sends_a_pdf_and_lists_it(cli, company, switch, task_queue, tmp_path):  # noqa: F811
    calls = carrier(switch, "answer")
    document = tmp_path / "umowa.pdf"
    document.write_bytes(pdf(3))
    out = cli.run("fax", "send", "--tenant", "Kancelaria Nowak", "--number", "+49 30 1234567", document).stdout
    row = db.session.scalars(select(models.Fax)).one()
    assert out == f"fax {row.id} to +49301234567: 3 pages queued\n"
    task_queue.run_pending()
    db.session.expire_all()  # the worker wrote in a session of its own
    assert len(calls.originated) == 1 and "sofia/gateway/carrier/49301234567 &txfax(" in calls.originated[0]
    listed = [json.loads(line) for line in cli.run("fax", "list", "--tenant", "Kancelaria Nowak").stdout.splitlines()]
    assert [(f["number"], f["status"], f["document"], f["sent_by"]) for f in listed] == [
        ("+49301234567", "sending", "umowa.pdf", "cli:ops")]


def test_the_cli_refuses_a_file_that_is_no_pdf(cli, company, switch, tmp_path):  # noqa: F811
    calls = carrier(switch)
    document = tmp_path / "notatka.pdf"
    document.write_text("to nie jest PDF")
    assert "document: This file is not a valid PDF document" in cli.refused(
        "fax", "send", "--tenant", "Kancelaria Nowak", "--number", "+48221000099", document)
    assert calls.originated == [] and db.session.scalars(select(models.Fax)).all() == []
