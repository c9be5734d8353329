"""Faxes in: the hang-up of a fax call, through the running listener, becomes a PDF e-mailed to the
box's recipients by a real SMTP server on loopback; a fax e-mail survives an SMTP outage."""
import json
import shutil
import time
from email import message_from_bytes, policy
from pathlib import Path

import pypdfium2
from flask import current_app
from sqlalchemy import select

from pbx import fax, models
from pbx.esl.protocol import encode_frame
from pbx.extensions import db
from pbx.record_writer import apply
from tests.listener.test_recordings import LATER, utc_naive
from tests.support.listener import eventually, start_service
from tests.support.streams import SHAPES, named, send

FIXTURES = Path(__file__).parents[1] / "fixtures" / "fax"
CALL = SHAPES["bridge_simultaneous_noanswer_then_record"]


def fax_box(*addresses):
    box = models.VoicemailBox(tenant_id=42, name="Faksy", extra_emails=list(addresses))
    db.session.add(box)
    db.session.commit()
    return box


def fax_hangup(box_id: int, success: bool = True, pages: int = 2, text: str = "OK") -> dict:
    """The captured caller's hang-up as a fax node's: the box set, spandsp's phase E variables."""
    caller = next(h for h in named("bridge_simultaneous_noanswer_then_record", "CHANNEL_HANGUP_COMPLETE", "json")
                  if h["Unique-ID"] == CALL)
    return {**caller, "variable_centralka_fax_box": str(box_id), "variable_fax_success": "1" if success else "0",
            "variable_fax_result_code": "0" if success else "49", "variable_fax_result_text": text,
            "variable_fax_document_transferred_pages": str(pages),
            "variable_fax_filename": f"/var/lib/freeswitch/recordings/42/fax_{box_id}_{CALL}.tif"}


def received_file(recordings_dir, box_id: int, fixture: str) -> Path:
    folder = recordings_dir / "42"
    folder.mkdir(exist_ok=True)
    return Path(shutil.copy(FIXTURES / fixture, folder / f"fax_{box_id}_{CALL}.tif"))


def pdf_pages(message) -> list[tuple[int, int]]:
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    pdf = next(p for p in parsed.walk() if p.get_content_type() == "application/pdf").get_payload(decode=True)
    document = pypdfium2.PdfDocument(pdf)
    return [tuple(round(v) for v in document[i].get_size()) for i in range(len(document))]


def test_a_received_fax_reaches_every_recipient_as_a_pdf_of_its_pages(ctx, company, freeswitch, smtp,
                                                                       recordings_dir, tmp_path):
    box = fax_box("anna@example.test", "bob@example.test")
    received_file(recordings_dir, box.id, "switch_received.tif")  # as a real switch's rxfax wrote it
    running = start_service(ctx, freeswitch, tmp_path / "journal.sqlite3")
    try:
        send(freeswitch, [encode_frame({"Content-Type": "text/event-json"}, json.dumps(fax_hangup(box.id)).encode())])
        assert eventually(lambda: len(smtp.messages) >= 2, 30)
        time.sleep(0.5)  # nothing more comes
    finally:
        running.stop()
    db.session.rollback()
    row = db.session.scalars(select(models.Fax)).one()
    assert (row.direction, row.status, row.pages, row.number, row.call_uuid, row.box_id) == (
        "in", "received", 2, "48221234567", CALL, box.id)
    assert sorted(m["To"] for m in smtp.messages) == ["anna@example.test", "bob@example.test"]
    message = message_from_bytes(smtp.messages[0].as_bytes(), policy=policy.default)
    assert message["Subject"] == "Faks od 48221234567 (Faksy, stron: 2)"
    # 1728 dots at 204 dpi by 2200 lines at 196 dpi: 8.47 x 11.22 inches, in points
    assert pdf_pages(smtp.messages[0]) == [(610, 808), (610, 808)]
    # the call itself is in the call history, its path through the scenario kept
    assert db.session.scalars(select(models.CallRecord.call_uuid)).all() == [CALL]


def test_pages_at_both_resolutions_keep_their_size_and_an_outage_resends_only_the_missing(
        ctx, company, smtp, task_queue, recordings_dir):
    box = fax_box("anna@example.test", "bob@example.test")
    received_file(recordings_dir, box.id, "received_mixed.tif")
    smtp.stop()
    follow_ups = apply(db.session, [(1, "fax", fax.ended_facts(fax_hangup(box.id, pages=3), current_app.config))])
    db.session.commit()
    task_queue.after_saved(*follow_ups)
    task_queue.run_pending()
    row = db.session.scalars(select(models.Fax)).one()
    assert (row.status, row.pages, row.emailed_to) == ("received", 3, [])
    smtp.start()
    task_queue.run_pending(utc_naive(LATER))
    task_queue.resume_unfinished.call_local()
    task_queue.run_pending(utc_naive(LATER * 10))
    assert sorted(m["To"] for m in smtp.messages) == ["anna@example.test", "bob@example.test"]
    # spandsp's pages: 1728 dots by 2232 lines (the sender's header line on top), the 204x98 one 1116 lines
    assert pdf_pages(smtp.messages[0]) == [(610, 820), (610, 820), (610, 820)]
    db.session.refresh(row)
    assert sorted(row.emailed_to) == ["anna@example.test", "bob@example.test"]
    assert fax.undelivered() == []


def test_a_broken_off_fax_mails_the_pages_that_arrived_and_a_voice_caller_mails_nothing(
        ctx, company, smtp, recordings_dir):
    box = fax_box("anna@example.test")
    received_file(recordings_dir, box.id, "received_ecm.tif")
    broken = fax.ended(fax.ended_facts(fax_hangup(box.id, success=False, pages=2, text="Far end disconnected"),
                                       current_app.config))
    assert fax.deliver(broken, current_app.config) == 1
    body = message_from_bytes(smtp.messages[0].as_bytes(), policy=policy.default).get_body(("plain",)).get_content()
    assert "Odebrano tylko część faksu: Far end disconnected" in body
    person = "d0d0d0d0-0000-4000-8000-000000000001"
    voice = {**fax_hangup(box.id, success=False, pages=0, text="Timed out waiting for initial communication"),
             "Unique-ID": person, "variable_call_uuid": person}
    assert fax.ended(fax.ended_facts(voice, current_app.config)) is None
    rows = db.session.scalars(select(models.Fax).order_by(models.Fax.id)).all()
    assert [(r.status, r.pages, r.reason) for r in rows] == [
        ("failed", 2, "Far end disconnected"), ("failed", 0, "Timed out waiting for initial communication")]
    assert len(smtp.messages) == 1


def test_a_file_outside_the_company_s_fax_files_is_never_read(ctx, company, recordings_dir):
    box = fax_box("anna@example.test")
    for elsewhere in ("/etc/passwd", f"/var/lib/freeswitch/recordings/43/fax_{box.id}_{CALL}.tif",
                      f"/var/lib/freeswitch/recordings/42/../43/fax_{box.id}_{CALL}.tif"):
        fact = fax.ended_facts({**fax_hangup(box.id), "variable_fax_filename": elsewhere}, current_app.config)
        assert fact["file"] == ""
    assert fax.ended(fact) is None and fax.undelivered() == []  # stored, nothing to mail
    assert fax.ended_facts(fax_hangup(box.id), current_app.config)["file"] == str(
        recordings_dir / "42" / f"fax_{box.id}_{CALL}.tif")


def test_a_box_of_another_company_is_not_mailed(ctx, company, smtp, recordings_dir):
    other = models.Tenant(id=43, name="Other")
    db.session.add(other)
    db.session.commit()
    foreign = models.VoicemailBox(tenant_id=43, name="Not yours", extra_emails=["spy@example.test"])
    db.session.add(foreign)
    db.session.commit()
    assert fax.ended(fax.ended_facts(fax_hangup(foreign.id), current_app.config)) is None
    assert db.session.scalars(select(models.Fax)).all() == []


def test_a_sent_fax_is_an_outgoing_call_in_the_history_and_its_hangup_sets_it_sent(ctx, company, freeswitch,
                                                                                     recordings_dir, tmp_path):
    row = models.Fax(tenant_id=42, direction="out", status="sending", number="+48221000099", pages=2, attempts=1,
                     call_uuid=CALL, file_path=str(tmp_path / "out.tif"), emailed_to=[])
    db.session.add(row)
    db.session.commit()
    caller = next(h for h in named("bridge_simultaneous_noanswer_then_record", "CHANNEL_HANGUP_COMPLETE", "json")
                  if h["Unique-ID"] == CALL)
    leg = {**caller, "variable_centralka_fax": str(row.id), "variable_centralka_direction": "out",
           "variable_centralka_dialled": "48221000099", "variable_centralka_main_number": "",
           "variable_centralka_path": "", "variable_fax_success": "1", "variable_fax_result_code": "0",
           "variable_fax_result_text": "OK", "variable_fax_document_transferred_pages": "2"}
    running = start_service(ctx, freeswitch, tmp_path / "journal.sqlite3")
    try:
        send(freeswitch, [encode_frame({"Content-Type": "text/event-json"}, json.dumps(leg).encode())])
        assert eventually(lambda: db.session.scalars(select(models.CallRecord)).first() is not None
                          and db.session.get(models.Fax, row.id, populate_existing=True).status == "sent", 30)
    finally:
        running.stop()
    db.session.rollback()
    record = db.session.scalars(select(models.CallRecord)).one()
    assert (record.call_uuid, record.direction, record.destination) == (CALL, "out", "48221000099")
    assert db.session.get(models.Fax, row.id).status == "sent"


def test_a_fax_stored_while_the_task_queue_was_away_is_mailed_by_the_sweep(ctx, company, smtp, task_queue,
                                                                           recordings_dir):
    """The record writer stores the fax with its leg; queueing the e-mail failed, so nothing was queued."""
    box = fax_box("anna@example.test")
    received_file(recordings_dir, box.id, "received_ecm.tif")
    follow_ups = apply(db.session, [(1, "fax", fax.ended_facts(fax_hangup(box.id), current_app.config))])
    db.session.commit()
    assert fax.undelivered() == follow_ups.faxes != []
    task_queue.resume_unfinished.call_local()
    task_queue.run_pending()
    assert [m["To"] for m in smtp.messages] == ["anna@example.test"] and fax.undelivered() == []
