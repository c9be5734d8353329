"""Call-record exports run by the task worker: big ones asked for in the panel (``ExportJob``) and
scheduled ones e-mailed to finance every day, week or month (``ExportSchedule``).

A job writes its file to a temporary file, then to storage (pbx/storage.py: a folder or S3),
committing its progress between pages of rows. A schedule sends each past period once per
recipient: an ``ExportDelivery`` row per (schedule, period, address) is planned first and marked
sent right after the SMTP server accepted the e-mail, so a restarted worker sends only the
rest; a stable Message-ID covers the crash between the two. When every recipient has the
period, the schedule records it as its last period sent.
"""
from __future__ import annotations

import hashlib
import logging
import smtplib
import tempfile
from datetime import date, datetime, timedelta, timezone
from email.message import EmailMessage
from typing import Callable, Iterable, Iterator
from zoneinfo import ZoneInfo

from marshmallow import ValidationError
from sqlalchemy import select, update

from pbx import audit, call_export, call_export_sql, metrics, models
from pbx.calls.store import upsert
from pbx.exports import MEDIA_TYPES, SUFFIXES, Dialect, csv_chunks, dialect, write_xlsx, write_xlsx_cells
from pbx.extensions import db
from pbx.messages import Message
from pbx.storage import StorageError, storage_from_config
from pbx.voicemail import send
from schemas.exports import ExportQuery

log = logging.getLogger(__name__)

# Periods of a schedule sent in one run at most: a worker stopped for a month catches up daily ones.
MAX_PERIODS = 31
# Finished exports are kept this long, then their files are deleted.
KEEP_DAYS = 7


def load_filters(tenant: models.Tenant, stored: dict) -> dict:
    """Filters as stored (JSON: days as ISO text), checked again: a user may have been deleted since."""
    return ExportQuery(tenant_id=tenant.id).load({k: v for k, v in stored.items() if v is not None})


def stored_filters(filters: dict) -> dict:
    return {key: value.isoformat() if isinstance(value, date) else value
            for key, value in filters.items() if key not in ("format", "lang") and value is not None}


def file_name(filters: dict, format_name: str) -> str:
    period = "_".join(str(filters[key]) for key in ("from", "to") if filters.get(key)) or "all"
    return f"calls_{period}{SUFFIXES[format_name]}"


def counted(values: Iterable, progress: Callable[[int], None]) -> Iterator:
    """The values, telling ``progress`` how many went by after each page of rows and at the end."""
    done, every = 0, call_export.PAGE
    for done, value in enumerate(values, start=1):
        yield value
        if done % every == 0:
            progress(done)
    progress(done)


def write_file(tenant: models.Tenant, filters: dict, format_name: str, handle, language: str | None = None,
               progress: Callable[[int], None] | None = None) -> None:
    """The export of the calls ``filters`` match into the binary file ``handle``."""
    chosen = dialect(format_name, language or tenant.language.value)
    if format_name != "xlsx":
        handle.writelines(csv_bytes(tenant, filters, chosen, progress))
    elif call_export_sql.applies():
        write_xlsx_cells(handle, call_export.CALL_COLUMNS,
                         _counted(call_export_sql.xlsx_values(tenant, filters, chosen), progress), chosen)
    else:
        write_xlsx(handle, call_export.CALL_COLUMNS, _counted(call_export.call_values(tenant, filters), progress), chosen)


def csv_bytes(tenant: models.Tenant, filters: dict, chosen: Dialect,
              progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """The CSV file in pieces: on PostgreSQL as the server writes it (COPY), elsewhere from Python."""
    if call_export_sql.applies():
        return call_export_sql.csv_chunks_of(_counted(call_export_sql.csv_lines(tenant, filters, chosen), progress),
                                             chosen)
    values = _counted(call_export.call_values(tenant, filters), progress)
    return (chunk.encode("utf-8") for chunk in csv_chunks(call_export.CALL_COLUMNS, values, chosen))


def _counted(rows: Iterable, progress: Callable[[int], None] | None) -> Iterable:
    return rows if progress is None else counted(rows, progress)


def start(tenant: models.Tenant, filters: dict, requested_by: str) -> models.ExportJob:
    """A queued job (the caller commits, then queues ``pbx.tasks.run_export``); audited."""
    job = models.ExportJob(tenant_id=tenant.id, format=filters["format"], requested_by=requested_by,
                           filters={**stored_filters(filters), "lang": filters.get("lang")},
                           rows_total=call_export.count(tenant, filters), file_name=file_name(filters, filters["format"]))
    db.session.add(job)
    db.session.flush()
    audit.record(db.session, job, "create", {"format": job.format, "filters": job.filters,
                                             "rows_total": job.rows_total, "file_name": job.file_name})
    return job


def not_queued(job: models.ExportJob) -> None:
    """The task queue did not take the job: failed at once, saying why, rather than queued for ever."""
    job.status, job.finished_at = "failed", datetime.now(timezone.utc)
    job.error = Message("export.queue_away").in_language("pl")
    db.session.commit()


def run(job_id: int, config) -> models.ExportJob | None:
    """Write a queued job's file to storage; a failure is kept on the job for the panel to show."""
    job = db.session.get(models.ExportJob, job_id)
    if job is None or job.status == "done":
        return job
    job.status, job.rows_done = "running", 0
    db.session.commit()
    try:
        _write_job(job, config)
    except Exception as error:
        db.session.rollback()
        job.status, job.error, job.finished_at = "failed", str(error)[:500], datetime.now(timezone.utc)
        db.session.commit()
        raise
    return job


def _write_job(job: models.ExportJob, config) -> None:
    tenant = db.session.get(models.Tenant, job.tenant_id)
    filters = load_filters(tenant, {k: v for k, v in job.filters.items() if k != "lang"})

    def progress(done: int) -> None:
        job.rows_done = done
        db.session.commit()

    with tempfile.NamedTemporaryFile(suffix=SUFFIXES[job.format]) as handle:
        write_file(tenant, filters, job.format, handle, job.filters.get("lang"), progress)
        handle.flush()
        stored = storage_from_config(config).put(handle.name, f"exports/t{tenant.id}/{job.id}/{job.file_name}")
    job.storage_key, job.size_bytes, job.status = stored.key, stored.size, "done"
    job.finished_at = datetime.now(timezone.utc)
    db.session.commit()


def chunks(job: models.ExportJob, config) -> Iterator[bytes]:
    return storage_from_config(config).chunks(job.storage_key)


def prune(config, now: datetime | None = None) -> int:
    """Delete finished exports older than KEEP_DAYS, with their files."""
    before = (now or datetime.now(timezone.utc)) - timedelta(days=KEEP_DAYS)
    old = db.session.scalars(select(models.ExportJob).where(models.ExportJob.created_at < before)).all()
    storage = storage_from_config(config)
    for job in old:
        if job.storage_key:
            storage.delete(job.storage_key)
        db.session.delete(job)
    db.session.commit()
    return len(old)


# ------------------------------------------------------------------ scheduled exports

def next_period(start: date, frequency: str) -> date:
    if frequency == "daily":
        return start + timedelta(days=1)
    if frequency == "weekly":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def last_complete_period(today: date, frequency: str) -> date:
    """The first day of the last whole period before ``today``: yesterday, last Monday-to-Sunday, last month."""
    if frequency == "daily":
        return today - timedelta(days=1)
    if frequency == "weekly":
        return today - timedelta(days=today.weekday() + 7)
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def periods_due(schedule: models.ExportSchedule, today: date) -> list[date]:
    """Whole periods not yet sent, oldest first; a new schedule starts with the last whole period."""
    last = last_complete_period(today, schedule.frequency)
    start = next_period(schedule.last_period_sent, schedule.frequency) if schedule.last_period_sent else last
    due = []
    while start <= last and len(due) < MAX_PERIODS:
        due.append(start)
        start = next_period(start, schedule.frequency)
    return due


def send_due(config, now: datetime | None = None) -> int:
    """Send every schedule's periods due by ``now``; returns e-mails sent."""
    now = now or datetime.now(timezone.utc)
    sent = 0
    for schedule in db.session.scalars(select(models.ExportSchedule).order_by(models.ExportSchedule.id)).all():
        tenant = db.session.get(models.Tenant, schedule.tenant_id)
        try:
            for period in periods_due(schedule, now.astimezone(ZoneInfo(tenant.timezone)).date()):
                sent += deliver(schedule, tenant, period, config)
        except (ValidationError, StorageError) as error:
            # One schedule's trouble (a filtered user deleted since, storage away) stops only that one.
            db.session.rollback()
            log.warning("scheduled export %s of %s not sent: %s", schedule.name, tenant.name, error)
    return sent


def deliver(schedule: models.ExportSchedule, tenant: models.Tenant, period: date, config) -> int:
    """One period of a schedule to every recipient not yet served; records the period once all are."""
    _plan(schedule, period)
    pending = db.session.scalars(select(models.ExportDelivery).where(
        models.ExportDelivery.schedule_id == schedule.id, models.ExportDelivery.period_start == period,
        models.ExportDelivery.sent_at.is_(None))).all()
    sent = 0
    if pending:
        filters = load_filters(tenant, {**schedule.filters, "format": schedule.format, "from": period.isoformat(),
                                        "to": (next_period(period, schedule.frequency) - timedelta(days=1)).isoformat()})
        content = _content(schedule, tenant, filters, config)
        for delivery in pending:
            sent += _send_one(delivery, compose(schedule, tenant, filters, delivery.email, content, config), config)
    if not db.session.scalar(select(models.ExportDelivery.id).where(
            models.ExportDelivery.schedule_id == schedule.id, models.ExportDelivery.period_start == period,
            models.ExportDelivery.sent_at.is_(None)).limit(1)):
        # Bookkeeping, not a change anyone made: past the mapper, so not in the audit log.
        db.session.execute(update(models.ExportSchedule).where(models.ExportSchedule.id == schedule.id)
                           .values(last_period_sent=period))
        db.session.commit()
        db.session.refresh(schedule)
    return sent


def _plan(schedule: models.ExportSchedule, period: date) -> None:
    statement = upsert(db.session, models.ExportDelivery.__table__).on_conflict_do_nothing(
        index_elements=["schedule_id", "period_start", "email"])
    db.session.execute(statement, [{"schedule_id": schedule.id, "period_start": period, "email": address,
                                    "attempts": 0, "last_error": ""} for address in schedule.recipients])
    db.session.commit()


def _send_one(delivery: models.ExportDelivery, message: EmailMessage, config) -> int:
    try:
        send(message, config)
    except (OSError, smtplib.SMTPException) as error:
        metrics.EMAILS_FAILED.labels(metrics.EXPORT).inc()
        delivery.attempts += 1
        delivery.last_error = str(error)[:500]
        db.session.commit()
        log.warning("scheduled export to %s not sent yet: %s", delivery.email, error)
        return 0
    delivery.sent_at = datetime.now(timezone.utc)
    db.session.commit()
    return 1


def _content(schedule, tenant, filters: dict, config) -> tuple[str, bytes] | models.ExportJob:
    """The file to attach, or, past EXPORT_ATTACH_MAX_BYTES, a finished job in the panel to link to."""
    with tempfile.NamedTemporaryFile(suffix=SUFFIXES[schedule.format]) as handle:
        write_file(tenant, filters, schedule.format, handle)
        handle.flush()
        if handle.tell() <= config["EXPORT_ATTACH_MAX_BYTES"]:
            handle.seek(0)
            return file_name(filters, schedule.format), handle.read()
    job = start(tenant, filters, f"scheduled export {schedule.name}")
    db.session.commit()
    return run(job.id, config)


TEXT = {
    "pl": {"subject": "Eksport połączeń: {name}, {first} – {last}",
           "attached": "Połączenia od {first} do {last} ({name}) w załączniku.\n",
           "linked": "Plik z połączeniami od {first} do {last} ({name}) jest za duży na załącznik.\n"
                     "Pobierz go w panelu, Eksporty: {url}\n"},
    "en": {"subject": "Call export: {name}, {first} – {last}",
           "attached": "The calls from {first} to {last} ({name}) are attached.\n",
           "linked": "The file of the calls from {first} to {last} ({name}) is too big to attach.\n"
                     "Download it in the panel, Exports: {url}\n"},
}


def compose(schedule, tenant, filters: dict, address: str, content, config) -> EmailMessage:
    text = TEXT[tenant.language.value if tenant.language.value in TEXT else "en"]
    values = {"name": schedule.name, "first": filters["from"].strftime("%d.%m.%Y"),
              "last": filters["to"].strftime("%d.%m.%Y"), "url": f"{config['PANEL_URL'].rstrip('/')}/#/exports"}
    message = EmailMessage()
    message["From"], message["To"] = config.get("SMTP_SENDER", "centralka@localhost"), address
    message["Subject"] = text["subject"].format(**values)
    # The same period to the same address always has the same Message-ID: mail systems drop a repeat.
    digest = hashlib.sha256(f"{schedule.id}:{filters['from']}:{address.lower()}".encode()).hexdigest()[:24]
    message["Message-ID"] = f"<export-{schedule.id}-{filters['from']}-{digest}@centralka>"
    if isinstance(content, models.ExportJob):
        message.set_content(text["linked"].format(**values))
        return message
    message.set_content(text["attached"].format(**values))
    name, data = content
    maintype, _, subtype = MEDIA_TYPES[schedule.format].partition(";")[0].partition("/")
    message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message
