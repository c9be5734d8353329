"""Faxes: received ones e-mailed as PDF to a box's recipients; PDFs sent from the panel to a number.

A fax in: the fax node's ``rxfax`` writes a TIFF; the hang-up tells the result (``fax_success``,
``fax_result_code``, ``fax_result_text``, ``fax_document_transferred_pages``); the listener journals
it, the record writer stores a ``Fax`` row (``ended``) and the task worker e-mails the PDF the way voicemail is
e-mailed (``pbx.voicemail.send``, once per address, retried until every recipient has it).

A fax out: the uploaded PDF is rendered at fax resolution (204x196 dpi, 1728 dots a line, 1 bit,
Group 4) into a TIFF in the company's recordings folder; ``pbx.fax_sender.send_fax`` originates a call to
the number that runs ``txfax``; the hang-up sets the fax sent or failed, and a failed one is tried
again after ``RETRY_AFTER`` until ``MAX_ATTEMPTS``.
"""
from __future__ import annotations

import hashlib
import io
import logging
import re
import smtplib
import uuid as uuidlib
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import img2pdf
import pypdfium2
from marshmallow import ValidationError
from PIL import Image
from sqlalchemy import select

from pbx import audit, metrics, models
from pbx.calls.legs import as_int, var
from pbx.calls.store import aware
from pbx.dialplan.dialing import digits
from pbx.extensions import db
from pbx.messages import Message
from pbx.nodes.fax import BOX_VARIABLE
from pbx.recordings import DEFAULT_RETENTION_DAYS, local_path
from pbx.voicemail import DeliveryFailed, send
from schemas.fields import normalise_phone

log = logging.getLogger(__name__)

IN, OUT = "in", "out"
RECEIVED, FAILED, QUEUED, SENDING, SENT = "received", "failed", "queued", "sending", "sent"
FAX_VARIABLE = "centralka_fax"  # on the leg we originate: the Fax row it sends
# What the hang-up of a fax call carries besides the leg's own facts.
VARIABLES = tuple(f"variable_{name}" for name in (
    BOX_VARIABLE, FAX_VARIABLE, "fax_success", "fax_result_code", "fax_result_text",
    "fax_document_transferred_pages", "fax_filename", "centralka_tenant", "call_uuid"))

# T.4 fine resolution; a line of an A4/Letter-wide page (215 mm) is 1728 dots (t4_tx.c).
DPI_X, DPI_Y, LINE_DOTS = 204, 196, 1728
MAX_PDF_BYTES = 10 * 1024 * 1024
MAX_PAGES = 50
# A page longer than this many times its width is no document page (and would render to a huge bitmap).
MAX_PAGE_LENGTH = 4
MAX_ATTEMPTS, RETRY_AFTER = 3, 300
RING_SECONDS = 60
# What may stand in a switch command: no spaces, commas, braces, quotes or ``$``.
_SAFE = re.compile(r"[A-Za-z0-9_.@+-]*")
_SAFE_PATH = re.compile(r"/[A-Za-z0-9_./-]+")

TEXT = {
    "pl": {"subject": "Faks od {caller} ({box}, stron: {pages})",
           "body": "Skrzynka: {box}\nNadawca: {caller}\nCzas: {time}\nStron: {pages}\n{result}\n"
                   "Faks w załączniku (PDF).\n",
           "partial": "Odebrano tylko część faksu: {text}\n"},
    "en": {"subject": "Fax from {caller} ({box}, pages: {pages})",
           "body": "Box: {box}\nSender: {caller}\nTime: {time}\nPages: {pages}\n{result}\nThe fax is attached (PDF).\n",
           "partial": "Only part of the fax arrived: {text}\n"},
}


class FaxRefused(ValueError):
    """A fax that cannot be sent as asked; ``message`` says why in the panel's words."""

    def __init__(self, message: Message, field: str = "document"):
        super().__init__(str(message))
        self.message, self.field = message, field


# ---------------------------------------------------------------- documents

def tiff_to_pdf(tiff: bytes) -> bytes:
    """Every page of a received fax in one PDF, the pages' G3/G4 data copied as they are (img2pdf);
    each page keeps its size on paper (fine 204x196 or normal 204x98 dpi)."""
    return img2pdf.convert(tiff, rotation=img2pdf.Rotation.ifvalid)


def pdf_to_tiff(pdf: bytes) -> tuple[bytes, int]:
    """A PDF as a fax sends it: 1728 dots a line, 204x196 dpi, black and white, Group 4; and its pages."""
    if len(pdf) > MAX_PDF_BYTES:
        raise FaxRefused(Message("fax.too_large", megabytes=MAX_PDF_BYTES // (1024 * 1024)))
    if not pdf.startswith(b"%PDF-"):
        raise FaxRefused(Message("fax.not_a_pdf"))
    try:
        document = pypdfium2.PdfDocument(pdf)
    except pypdfium2.PdfiumError as error:
        locked = error.err_code == pypdfium2.raw.FPDF_ERR_PASSWORD
        raise FaxRefused(Message("fax.pdf_password" if locked else "fax.not_a_pdf")) from None
    try:
        if len(document) == 0:
            raise FaxRefused(Message("fax.no_pages"))
        if len(document) > MAX_PAGES:
            raise FaxRefused(Message("fax.too_many_pages", pages=len(document), most=MAX_PAGES))
        sizes = [document[index].get_size() for index in range(len(document))]
        if any(height > width * MAX_PAGE_LENGTH for width, height in sizes):
            raise FaxRefused(Message("fax.page_too_long"))
        pages = [_fax_page(document[index]) for index in range(len(document))]
    finally:
        document.close()
    out = io.BytesIO()
    pages[0].save(out, format="TIFF", compression="group4", save_all=True, append_images=pages[1:],
                  dpi=(DPI_X, DPI_Y))
    return out.getvalue(), len(pages)


def _fax_page(page) -> Image.Image:
    """One page scaled to the fax line width; lines closer together than dots (196 vs 204 dpi)."""
    width_points, height_points = page.get_size()
    scale = LINE_DOTS / width_points
    image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
    height = round(height_points * scale * DPI_Y / DPI_X)
    image = image.resize((LINE_DOTS, height))
    # A threshold, not dithering: fax is mostly text, which dithering makes fuzzy.
    return image.point(lambda level: 255 if level > 160 else 0).convert("1", dither=Image.Dither.NONE)


# ---------------------------------------------------------------- faxes in

def ended_facts(headers, config) -> dict | None:
    """The result of a fax call from its CHANNEL_HANGUP_COMPLETE, or None for any other call."""
    box, sent = as_int(var(headers, BOX_VARIABLE)), as_int(var(headers, FAX_VARIABLE))
    if box is None and sent is None:
        return None
    success = var(headers, "fax_success") == "1"
    text = var(headers, "fax_result_text") or headers.get("Hangup-Cause") or var(headers, "hangup_cause")
    tenant, filename = as_int(var(headers, "centralka_tenant")), var(headers, "fax_filename")
    # Only the file our fax node names is read: <recordings dir>/<company>/fax_<box>_<uuid>.tif
    folder = re.escape(config.get("RECORDINGS_DIR", "").rstrip("/"))
    ours = re.fullmatch(rf"{folder}/{tenant}/fax_{box}_[0-9a-f-]+\.tif", filename)
    return {"box_id": box, "fax_id": sent, "tenant_id": tenant,
            "call_uuid": var(headers, "call_uuid") or headers.get("Unique-ID", ""),
            "caller": headers.get("Caller-Caller-ID-Number") or var(headers, "caller_id_number"),
            "success": success, "code": as_int(var(headers, "fax_result_code")), "text": text[:200],
            "pages": as_int(var(headers, "fax_document_transferred_pages")) or 0,
            "file": local_path(filename, config) if ours and box is not None else ""}


def ended(fact: dict) -> int | None:
    """Store what a fax call ended with; returns the id of a received fax to e-mail."""
    if fact["fax_id"] is not None:
        _sent_ended(fact)
        return None
    box = db.session.get(models.VoicemailBox, fact["box_id"]) if fact["box_id"] else None
    if fact["tenant_id"] is None or (box is not None and box.tenant_id != fact["tenant_id"]):
        log.warning("fax %s names no company of its box; left on disk", fact["call_uuid"])
        return None
    fax = db.session.scalar(select(models.Fax).where(models.Fax.call_uuid == fact["call_uuid"]))
    if fax is None:
        fax = models.Fax(tenant_id=fact["tenant_id"], direction=IN, call_uuid=fact["call_uuid"],
                         number=fact["caller"][:64], box_id=box.id if box else None, pages=fact["pages"],
                         status=RECEIVED if fact["success"] else FAILED,
                         reason="" if fact["success"] else fact["text"], file_path=fact["file"],
                         finished_at=datetime.now(timezone.utc), emailed_to=[])
        db.session.add(fax)
        db.session.flush()
    return fax.id if fax.pages > 0 and fax.box_id is not None and fax.file_path else None


def deliver(fax_id: int, config) -> int:
    """E-mail a received fax as PDF to every recipient of its box not served yet; returns e-mails sent."""
    fax = db.session.get(models.Fax, fax_id)
    if fax is None or fax.box_id is None or fax.direction != IN or not fax.file_path:
        return 0
    box = db.session.get(models.VoicemailBox, fax.box_id)
    pending = [a for a in box.recipient_emails if a.lower() not in {d.lower() for d in fax.emailed_to}]
    if not pending:
        return 0
    pdf = tiff_to_pdf(Path(fax.file_path).read_bytes())
    sent, failures = 0, []
    for address in pending:
        try:
            send(compose(fax, box, address, pdf, config), config)
        except (OSError, smtplib.SMTPException) as error:
            metrics.EMAILS_FAILED.labels(metrics.FAX).inc()
            failures.append(f"{address}: {error}")
        else:
            fax.emailed_to = [*fax.emailed_to, address]
            sent += 1
        db.session.commit()  # each address marked at once: a later failure must not resend it
    if failures:
        raise DeliveryFailed(f"fax {fax.id} not delivered to {'; '.join(failures)}")
    return sent


def compose(fax: models.Fax, box: models.VoicemailBox, address: str, pdf: bytes, config) -> EmailMessage:
    tenant = db.session.get(models.Tenant, fax.tenant_id)
    when = aware(fax.created_at).astimezone(ZoneInfo(tenant.timezone or "Europe/Warsaw"))
    text = TEXT.get(getattr(tenant.language, "value", tenant.language), TEXT["en"])
    values = {"caller": fax.number or "?", "box": box.name, "time": when.strftime("%Y-%m-%d %H:%M:%S %Z"),
              "pages": fax.pages, "result": text["partial"].format(text=fax.reason) if fax.status == FAILED else ""}
    message = EmailMessage()
    message["From"] = config.get("SMTP_SENDER", "centralka@localhost")
    message["To"] = address
    message["Subject"] = text["subject"].format(**values)
    message["Date"] = format_datetime(when)
    digest = hashlib.sha256(f"fax:{fax.id}:{address.lower()}".encode()).hexdigest()[:24]
    message["Message-ID"] = f"<fax-{fax.id}-{digest}@centralka>"  # stable: a resend is dropped as a duplicate
    message.set_content(text["body"].format(**values))
    message.add_attachment(pdf, maintype="application", subtype="pdf",
                           filename=f"faks-{when:%Y%m%d-%H%M%S}-{fax.id}.pdf")
    return message


def undelivered() -> list[int]:
    """Received faxes with pages whose box has a recipient not served yet (the sweep re-queues them)."""
    rows = db.session.scalars(select(models.Fax).where(
        models.Fax.direction == IN, models.Fax.box_id.is_not(None), models.Fax.pages > 0,
        models.Fax.file_path != "")).all()
    return [fax.id for fax in rows
            if {a.lower() for a in db.session.get(models.VoicemailBox, fax.box_id).recipient_emails}
            - {a.lower() for a in fax.emailed_to}]


# ---------------------------------------------------------------- faxes out

def queue_fax(tenant: models.Tenant, number: str, pdf: bytes, document_name: str, config) -> models.Fax:
    """Check and convert the PDF, keep the TIFF where the switch reads it, and store the fax queued."""
    if not pdf:
        raise FaxRefused(Message("fax.no_document"))
    try:
        e164 = normalise_phone(number or "")
    except ValidationError as error:
        raise FaxRefused(error.messages[0] if isinstance(error.messages, list) else Message("phone.required"),
                         "number") from None
    tiff, pages = pdf_to_tiff(pdf)
    fax = models.Fax(tenant_id=tenant.id, direction=OUT, number=e164, status=QUEUED, pages=pages,
                     document_name=(document_name or "faks.pdf")[:200], sent_by=audit.current_actor(),
                     emailed_to=[])
    db.session.add(fax)
    db.session.flush()
    folder = Path(config.get("RECORDINGS_MOUNT") or config["RECORDINGS_DIR"]) / str(tenant.id)
    folder.mkdir(parents=True, exist_ok=True)
    fax.file_path = str(folder / f"faxout_{fax.id}.tif")
    Path(fax.file_path).write_bytes(tiff)
    audit.record(db.session, fax, "send", {"number": e164, "document": fax.document_name, "pages": pages})
    return fax


def switch_file(fax: models.Fax, config) -> str:
    """The TIFF as FreeSWITCH sees it: our recordings mount is its recordings folder."""
    return f"{config['RECORDINGS_DIR'].rstrip('/')}/{int(fax.tenant_id)}/faxout_{int(fax.id)}.tif"


def originate(fax_id: int, config, api) -> str:
    """Dial the fax's number from the company's primary main number with ``txfax`` on answer;
    ``api(command)`` sends to the switch. Returns the new state ("" when nothing is left to do)."""
    fax = db.session.get(models.Fax, fax_id)
    if fax is None or fax.status not in (QUEUED,):
        return ""
    main = db.session.scalar(select(models.MainNumber.number).where(
        models.MainNumber.tenant_id == fax.tenant_id).order_by(models.MainNumber.is_primary.desc(),
                                                                 models.MainNumber.id).limit(1))
    call_uuid = str(uuidlib.uuid4())
    command = send_command(call_uuid, fax, digits(main) if main else "", config)
    fax.attempts, fax.tried_at = fax.attempts + 1, datetime.now(timezone.utc)
    reply = api(command).strip()
    if reply.startswith("+OK"):
        fax.status, fax.call_uuid, fax.reason = SENDING, call_uuid, ""
    else:
        _failed(fax, reply.splitlines()[0][:200] if reply else "no reply")
    db.session.commit()
    return fax.status


def send_command(call_uuid: str, fax: models.Fax, caller: str, config) -> str:
    """``originate {vars}sofia/gateway/<gw>/<digits> &txfax(<file>)`` (mod_commands.c originate_function,
    ORIGINATE_SYNTAX "<call url> <exten>|&<application_name>(<app_args>)"): the number is dialled through
    the carrier and, once answered, the leg sends the TIFF; the reply comes when it was answered
    ("+OK <uuid>") or not ("-ERR NO_ANSWER"). Every part is an id, digits or our settings,
    checked here: FreeSWITCH splits the command on spaces and expands ``${...}`` in it.
    The leg carries the company and the fax (call records, and the listener's ``ended_facts``)."""
    variables = {"origination_uuid": call_uuid, "centralka_tenant": int(fax.tenant_id),
                 "centralka_direction": "out", FAX_VARIABLE: int(fax.id), "originate_timeout": RING_SECONDS,
                 "fax_enable_t38": "true", "fax_enable_t38_request": "true", "fax_ident": caller,
                 "origination_caller_id_number": caller, "centralka_dialled": digits(fax.number)}
    for name, value in variables.items():
        if not _SAFE.fullmatch(str(value)):
            raise ValueError(f"{name} {value!r} is not allowed in a switch command")
    gateway = config["CARRIER_GATEWAY"]
    if not _SAFE.fullmatch(gateway) or not _SAFE_PATH.fullmatch(switch_file(fax, config)):
        raise ValueError("the carrier gateway or the recordings folder cannot be put in a switch command")
    listed = ",".join(f"{name}={value}" for name, value in variables.items())
    return (f"originate {{{listed}}}sofia/gateway/{gateway}/{digits(fax.number)} "
            f"&txfax({switch_file(fax, config)})")


def due(now: datetime | None = None) -> list[int]:
    """Faxes out waiting for a try: never tried, or tried ``RETRY_AFTER`` ago."""
    now = now or datetime.now(timezone.utc)
    rows = db.session.execute(select(models.Fax.id, models.Fax.tried_at).where(
        models.Fax.direction == OUT, models.Fax.status == QUEUED)).all()
    return [fax_id for fax_id, tried in rows
            if tried is None or aware(tried) <= now - timedelta(seconds=RETRY_AFTER)]


def _sent_ended(fact: dict) -> None:
    fax = db.session.get(models.Fax, fact["fax_id"])
    if fax is None or fax.tenant_id != fact["tenant_id"] or fax.status != SENDING:
        return  # a repeated event, or another company's variable
    if fact["success"]:
        fax.status, fax.reason, fax.pages = SENT, "", fact["pages"] or fax.pages
        fax.finished_at = datetime.now(timezone.utc)
    else:
        _failed(fax, fact["text"])
    db.session.flush()


def _failed(fax: models.Fax, reason: str) -> None:
    """A try that did not get through: queued again while tries are left, else failed for good."""
    fax.reason = reason
    if fax.attempts < MAX_ATTEMPTS:
        fax.status = QUEUED
    else:
        fax.status, fax.finished_at = FAILED, datetime.now(timezone.utc)


def document(fax: models.Fax) -> bytes:
    """The fax as PDF, as received or as sent; FileNotFoundError once its retention deleted it."""
    if not fax.file_path:
        raise FileNotFoundError(f"fax {fax.id}: deleted after its retention")
    return tiff_to_pdf(Path(fax.file_path).read_bytes())


def expire(now: datetime | None = None) -> int:
    """Delete the files of faxes older than their company's retention (as recordings); the rows stay
    in the list. A fax still being sent or e-mailed keeps its file."""
    now = now or datetime.now(timezone.utc)
    rows = db.session.execute(select(models.Fax, models.Tenant.retention_days).join(
        models.Tenant, models.Tenant.id == models.Fax.tenant_id).where(models.Fax.file_path != "")).all()
    deleted, mailing = 0, set(undelivered())
    for fax, days in rows:
        busy = fax.status in (QUEUED, SENDING) or fax.id in mailing
        if busy or aware(fax.created_at) > now - timedelta(days=days or DEFAULT_RETENTION_DAYS):
            continue
        Path(fax.file_path).unlink(missing_ok=True)
        fax.file_path = ""
        deleted += 1
    db.session.commit()
    return deleted


def describe(fax: models.Fax) -> dict:
    return {"id": fax.id, "direction": fax.direction, "number": fax.number, "status": fax.status,
            "reason": fax.reason, "pages": fax.pages, "attempts": fax.attempts, "call_uuid": fax.call_uuid,
            "document": fax.document_name, "box_id": fax.box_id, "sent_by": fax.sent_by,
            "emailed_to": list(fax.emailed_to or []), "created_at": aware(fax.created_at).isoformat(),
            "finished_at": aware(fax.finished_at).isoformat() if fax.finished_at else None}
