"""Faxes out: a PDF uploaded through the API is rendered for fax, dialled over the (fake) event socket
with txfax, and followed to sent or failed by the hang-ups the listener reads; failed tries are
tried again, bad files refused with the reason in Polish."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from flask import current_app
from PIL import Image, ImageDraw
from sqlalchemy import select

from pbx import fax, models
from pbx.extensions import db
from tests.support.esl_server import FakeFreeSwitch

PL = {"Accept-Language": "pl"}


def pdf(pages: int = 2) -> bytes:
    images = []
    for number in range(pages):
        image = Image.new("RGB", (595, 842), "white")  # A4 in points
        draw = ImageDraw.Draw(image)
        draw.rectangle((40, 40, 555, 802), outline="black", width=3)
        draw.text((60, 60), f"Strona {number + 1}", fill="black")
        images.append(image)
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=72)
    return out.getvalue()


class Carrier(dict):
    """The switch's answers to ``originate``: the next outcome each time, every command kept."""

    def __init__(self, outcomes):
        super().__init__()
        self.outcomes, self.originated = list(outcomes), []

    def get(self, command, default=None):
        if not command.startswith("originate "):
            return super().get(command, default)
        self.originated.append(command)
        outcome = self.outcomes.pop(0)
        return f"+OK {command.split('origination_uuid=')[1].split(',')[0]}\n" if outcome == "answer" \
            else f"-ERR {outcome}\n"


@pytest.fixture
def switch(ctx, tmp_path):
    server = FakeFreeSwitch().start()
    ctx.config.update(ESL_SERVERS=f"127.0.0.1:{server.port}:ClueCon", RECORDINGS_DIR="/var/lib/freeswitch/recordings",
                      RECORDINGS_MOUNT=str(tmp_path / "recordings"), CARRIER_GATEWAY="carrier")
    yield server
    server.stop()


def carrier(switch, *outcomes) -> Carrier:
    switch.api_replies = Carrier(outcomes)
    return switch.api_replies


def upload(client, number="+48 22 100 00 99", body=None, name="oferta.pdf", headers=None):
    document = io.BytesIO(pdf() if body is None else body)
    return client.post("/api/faxes", data={"number": number, "file": (document, name)},
                       content_type="multipart/form-data", headers=headers or {})


def hangup(row: models.Fax, success: bool, pages: int = 0, text: str = "OK", cause: str = "NORMAL_CLEARING") -> dict:
    """The CHANNEL_HANGUP_COMPLETE of the leg we originated, as far as ``fax.ended_facts`` reads it."""
    headers = {"Unique-ID": row.call_uuid, "Hangup-Cause": cause, "variable_centralka_fax": str(row.id),
               "variable_centralka_tenant": str(row.tenant_id), "variable_call_uuid": row.call_uuid}
    if success is not None:
        headers.update({"variable_fax_success": "1" if success else "0", "variable_fax_result_text": text,
                        "variable_fax_document_transferred_pages": str(pages)})
    return fax.ended_facts(headers, current_app.config)


def test_an_uploaded_pdf_is_dialled_with_txfax_and_sent(as_editor, demo, switch, task_queue, tmp_path):
    calls = carrier(switch, "answer")
    answer = upload(as_editor)
    assert answer.status_code == 201, answer.get_json()
    sent = answer.get_json()
    assert (sent["status"], sent["pages"], sent["number"], sent["document"], sent["attempts"]) == (
        "queued", 2, "+48221000099", "oferta.pdf", 0)
    assert calls.originated == []  # the task worker dials
    task_queue.run_pending()
    row = db.session.get(models.Fax, sent["id"])
    db.session.refresh(row)
    assert (row.status, row.attempts) == ("sending", 1)
    main = demo.main_numbers[0].number[1:]
    assert calls.originated == [
        f"originate {{origination_uuid={row.call_uuid},centralka_tenant={demo.id},centralka_direction=out,"
        f"centralka_fax={row.id},originate_timeout=60,fax_enable_t38=true,fax_enable_t38_request=true,"
        f"fax_ident={main},origination_caller_id_number={main},centralka_dialled=48221000099}}"
        f"sofia/gateway/carrier/48221000099 &txfax(/var/lib/freeswitch/recordings/{demo.id}/faxout_{row.id}.tif)"]
    # the TIFF the switch reads: every page 1728 dots wide, fine resolution, 1 bit, Group 4
    with Image.open(tmp_path / "recordings" / str(demo.id) / f"faxout_{row.id}.tif") as tiff:
        assert tiff.n_frames == 2
        assert (tiff.size[0], tiff.mode, tiff.info["compression"], tiff.info["dpi"]) == (
            1728, "1", "group4", (204.0, 196.0))
    assert fax.ended(hangup(row, True, pages=2)) is None
    db.session.refresh(row)
    assert (row.status, row.pages, row.reason) == ("sent", 2, "")
    listed = as_editor.get("/api/faxes").get_json()
    assert [(f["direction"], f["status"]) for f in listed] == [("out", "sent")]
    document = as_editor.get(f"/api/faxes/{row.id}.pdf")
    assert document.mimetype == "application/pdf" and document.data.startswith(b"%PDF-")
    entry = db.session.scalars(select(models.AuditLogEntry).where(models.AuditLogEntry.entity == "Fax")).one()
    assert (entry.action, entry.changes["number"], entry.changes["pages"]) == ("send", "+48221000099", 2)


def test_a_busy_number_and_a_broken_off_fax_are_tried_again_then_failed_with_the_reason(
        as_editor, demo, switch, task_queue):
    calls = carrier(switch, "USER_BUSY", "answer", "answer")
    sent = upload(as_editor).get_json()
    task_queue.run_pending()
    row = db.session.get(models.Fax, sent["id"])
    db.session.refresh(row)
    assert (row.status, row.reason, row.attempts) == ("queued", "-ERR USER_BUSY", 1)
    assert fax.due() == []  # not before RETRY_AFTER
    later = datetime.now(timezone.utc) + timedelta(seconds=fax.RETRY_AFTER + 1)
    assert fax.due(later) == [row.id]
    assert fax.originate(row.id, current_app.config, lambda command: calls.get(command)) == "sending"
    fax.ended(hangup(row, False, pages=1, text="Far end disconnected"))
    db.session.refresh(row)
    assert (row.status, row.reason, row.attempts) == ("queued", "Far end disconnected", 2)
    fax.originate(row.id, current_app.config, lambda command: calls.get(command))
    fax.ended(hangup(row, None, cause="NO_ANSWER"))  # hung up before any fax was sent
    db.session.refresh(row)
    assert (row.status, row.reason, row.attempts) == ("failed", "NO_ANSWER", 3)
    assert fax.due(later + timedelta(hours=1)) == []
    fax.ended(hangup(row, True, pages=2))  # a late repeat of an event changes nothing
    db.session.refresh(row)
    assert row.status == "failed"


def test_a_switch_away_leaves_the_fax_queued_for_the_sweep(as_editor, demo, ctx, task_queue, switch):
    ctx.config["ESL_SERVERS"] = "127.0.0.1:1:ClueCon"
    assert upload(as_editor).status_code == 201
    task_queue.run_pending()
    row = db.session.scalars(select(models.Fax)).one()
    assert (row.status, row.attempts) == ("queued", 0)
    assert fax.due() == [row.id]
    calls = carrier(switch, "answer")
    ctx.config["ESL_SERVERS"] = f"127.0.0.1:{switch.port}:ClueCon"
    from pbx import fax_sender
    assert fax_sender.send_queued_faxes.call_local() == 1
    task_queue.run_pending()
    db.session.refresh(row)
    assert (row.status, len(calls.originated)) == ("sending", 1)


NOT_A_PDF = "Ten plik nie jest prawidłowym dokumentem PDF: nie da się go wysłać faksem."


@pytest.mark.parametrize("body, name, code", [
    (b"this is no pdf", "list.pdf", NOT_A_PDF),
    (b"%PDF-1.7\n1 0 obj broken", "zepsuty.pdf", NOT_A_PDF),
    (b"", "pusty.pdf", "Wybierz plik PDF do wysłania faksem."),
    (None, "rolka.pdf", "Strona dokumentu jest zbyt długa, by wysłać ją faksem."),
])
def test_a_bad_file_is_refused_in_polish_and_nothing_is_dialled(as_editor, demo, switch, body, name, code):
    if body is None:  # a page a hundred times longer than wide: no document, and a bitmap of gigabytes
        roll = io.BytesIO()
        Image.new("1", (10, 1000), 1).save(roll, "PDF", resolution=72)
        body = roll.getvalue()
    calls = carrier(switch)
    answer = upload(as_editor, body=body, name=name, headers=PL)
    assert answer.status_code == 422
    assert answer.get_json()["fields"]["file"] == [code]
    assert calls.originated == [] and db.session.scalars(select(models.Fax)).all() == []


def test_a_number_with_switch_text_is_refused_and_other_companies_faxes_are_not_shown(
        as_editor, demo, switch, testowa):
    carrier(switch)
    answer = upload(as_editor, number="+48 600 ${system(rm)}", headers=PL)
    assert answer.status_code == 422 and "number" in answer.get_json()["fields"]
    theirs = models.Fax(tenant_id=testowa.tenant.id, direction="in", status="received", number="+48600100200",
                        file_path="/nonexistent.tif", emailed_to=[])
    db.session.add(theirs)
    db.session.commit()
    assert as_editor.get("/api/faxes").get_json() == []
    assert as_editor.get(f"/api/faxes/{theirs.id}.pdf").status_code == 404


def test_a_viewer_may_not_send(as_viewer, demo, switch):
    assert upload(as_viewer).status_code == 403


def test_a_fax_file_is_deleted_after_the_company_s_retention_and_the_fax_stays_listed(as_editor, demo, tmp_path):
    old, new = tmp_path / "old.tif", tmp_path / "new.tif"
    for path in (old, new):
        path.write_bytes((Path(__file__).parents[1] / "fixtures" / "fax" / "received_ecm.tif").read_bytes())
    now = datetime.now(timezone.utc)
    rows = [models.Fax(tenant_id=demo.id, direction="in", status="received", number="48221000099", pages=2,
                       file_path=str(path), emailed_to=[], created_at=now - timedelta(days=age))
            for path, age in ((old, demo.retention_days + 1), (new, demo.retention_days - 1))]
    db.session.add_all(rows)
    db.session.commit()
    assert fax.expire() == 1
    assert not old.exists() and new.exists()
    gone = as_editor.get(f"/api/faxes/{rows[0].id}.pdf", headers=PL)
    assert (gone.status_code, gone.get_json()["error"]) == (404, "Pliku tego faksu już nie ma.")
    assert as_editor.get(f"/api/faxes/{rows[1].id}.pdf").status_code == 200
    assert len(as_editor.get("/api/faxes").get_json()) == 2
