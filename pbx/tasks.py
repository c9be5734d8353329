"""Slow or failing work on huey: uploads, voicemail and fax e-mails, expiry, and a sweep that re-queues
whatever a crash left behind.

``TASK_QUEUE_URL`` picks the broker: ``sqlite`` (default; a file in the instance folder, no
server needed), ``sqlite:///path``, ``redis://...`` for several workers, or ``memory`` (tasks run
at once in the caller, for tests). Run workers with ``centralka tasks worker``.
"""
from __future__ import annotations

import contextlib
import logging
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from huey import Huey, crontab
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from redis import ConnectionPool, RedisError

from pbx import auth, export_jobs, fax, metrics, probes, ratelimit, recordings, sessions, voicemail
from pbx.config import Config
from pbx.extensions import db
from pbx.reports import hourly

log = logging.getLogger(__name__)

NAME = "centralka"
# Retried every minute for about a week; the sweep below takes over after that.
RETRIES, RETRY_DELAY = 10_000, 60

# What a broker that is away raises: Redis's client, SQLite, the socket or file underneath.
BROKER_ERRORS = (RedisError, sqlite3.Error, OSError)
# A Redis that does not answer (a host gone, a firewall dropping packets) must not hold a panel
# request for the system's TCP timeout of minutes.
REDIS_TIMEOUT_SECONDS = 5

huey = Huey(NAME, results=False, storage_class=MemoryStorage)
_app = None


class QueueDown(Exception):
    """The task queue's broker did not take a task."""


def configure(url: str, instance_path: str) -> Huey:
    """Point the task queue at its broker (see the module doc)."""
    huey.immediate = url == "memory"
    if url.startswith(("redis://", "rediss://", "unix://")):
        huey.storage = RedisStorage(NAME, connection_pool=ConnectionPool.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS))
    elif url.startswith("sqlite"):
        filename = url[len("sqlite:///"):] if url.startswith("sqlite:///") else str(Path(instance_path) / "tasks.sqlite3")
        Path(filename).parent.mkdir(parents=True, exist_ok=True)  # a fresh checkout has no instance folder yet
        huey.storage = SqliteStorage(NAME, filename=filename)
    return huey


def bind(app) -> None:
    """Tasks run inside this application (its database, storage and SMTP settings): each process
    that runs or queues tasks binds the app its entry module built."""
    global _app
    _app = app
    configure(app.config["TASK_QUEUE_URL"], app.instance_path)


@contextlib.contextmanager
def app_context():
    """A context of the bound app for one task (a database session of its own); gives the app."""
    if _app is None:
        raise RuntimeError("tasks run inside an application: its process calls tasks.bind(app) first")
    with _app.app_context():
        yield _app


@huey.task(retries=RETRIES, retry_delay=RETRY_DELAY)
def upload_recording(recording_id: int) -> bool:
    with app_context() as app, huey.lock_task(f"recording-{recording_id}"):
        return recordings.upload(recording_id, app.config)


@huey.task(retries=RETRIES, retry_delay=RETRY_DELAY)
def email_voicemail(recording_id: int) -> int:
    with app_context() as app, huey.lock_task(f"voicemail-{recording_id}"):
        return voicemail.deliver(recording_id, app.config)


@huey.task(retries=RETRIES, retry_delay=RETRY_DELAY)
def email_fax(fax_id: int) -> int:
    with app_context() as app, huey.lock_task(f"fax-{fax_id}"):
        return fax.deliver(fax_id, app.config)


@huey.task()
def deliver_login_code(address: str, code: str) -> bool:
    with app_context() as app:
        return auth.deliver(address, code, app.config)


@huey.task()
def run_export(job_id: int) -> int:
    """A background export of call records; its progress and file are on the job."""
    with app_context() as app, huey.lock_task(f"export-{job_id}"):
        job = export_jobs.run(job_id, app.config)
        return job.rows_done if job else 0


@huey.periodic_task(crontab(minute="5"))
def send_scheduled_exports() -> int:
    """Each hour: the periods that ended since (a day starts at midnight in each company's zone)."""
    with app_context() as app, huey.lock_task("scheduled-exports"):
        return export_jobs.send_due(app.config)


@huey.periodic_task(crontab(minute="*"))
def refresh_report_counts() -> int:
    """Each minute: the report counts of the hours that calls written since made stale."""
    with app_context(), huey.lock_task("report-counts"):
        hours = hourly.refresh(db.session)
        db.session.commit()
        return hours


@huey.periodic_task(crontab(hour="4", minute="50"))
def prune_exports() -> int:
    with app_context() as app:
        return export_jobs.prune(app.config)


def enqueue(task) -> None:
    """Queue one task (``some_task.s(...)``); QueueDown when the broker does not take it."""
    try:
        huey.enqueue(task)
    except BROKER_ERRORS as error:
        log.warning("task %s not queued: %s", task.name, error)
        raise QueueDown(str(error)) from error


def after_saved(recording_ids: list[int], voicemail_ids: list[int], fax_ids: list[int] = ()) -> None:
    """Queue the follow-up work of newly stored recordings and faxes (the sweep catches a failure here)."""
    try:
        enqueue_all([upload_recording.s(i) for i in recording_ids] + [email_voicemail.s(i) for i in voicemail_ids]
                    + [email_fax.s(i) for i in fax_ids])
    except Exception as error:  # noqa: BLE001 - broker down: resume_unfinished re-queues later
        log.warning("follow-up tasks not queued yet: %s", error)


def enqueue_all(work: list) -> None:
    """Queue many tasks; on SQLite in one transaction (each enqueue alone is a synced commit)."""
    storage = huey.storage
    if huey.immediate or not isinstance(storage, SqliteStorage):
        for task in work:
            huey.enqueue(task)
        return
    rows = [(storage.name, storage.to_blob(huey.serialize_task(task)), task.priority or 0) for task in work]
    if rows:
        with storage.db(commit=True) as cursor:  # huey's own transaction; its enqueue runs this INSERT
            cursor.executemany("insert into task (queue, data, priority) values (?, ?, ?)", rows)


@huey.periodic_task(crontab(minute="*/5"))
def resume_unfinished() -> int:
    with app_context():
        uploads, emails, faxes = recordings.unfinished(), voicemail.undelivered(), fax.undelivered()
    after_saved(uploads, emails)
    for fax_id in faxes:
        email_fax(fax_id)
    return len(uploads) + len(emails) + len(faxes)


@huey.periodic_task(crontab(hour="3", minute="15"), retries=3, retry_delay=600)
def expire_recordings() -> int:
    with app_context() as app:
        recordings.apply_retention(app.config)
        return recordings.expire(app.config)


@huey.periodic_task(crontab(hour="3", minute="25"))
def expire_faxes() -> int:
    with app_context():
        return fax.expire()


@huey.periodic_task(crontab(hour="4", minute="40"))
def prune_sign_in_records() -> int:
    with app_context() as app:
        config = app.config
        return (auth.prune() + sessions.prune(config["SESSION_MAX_HOURS"])
                + ratelimit.prune(config["SIGNIN_LIMIT_WINDOW_SECONDS"]))


def queue_reachable() -> bool:
    try:
        huey.pending_count()
        return True
    except Exception as error:  # noqa: BLE001 - Redis or the queue file away; the reason is logged
        log.warning("readiness: the task queue is not reachable: %s", error)
        return False


def probe_server(app, bind: str) -> probes.ProbeServer:
    """The worker's health and metrics: ready when the database and the queue answer."""
    return probes.ProbeServer(
        bind, {"database": probes.in_app(app, probes.database_reachable), "task_queue": queue_reachable},
        app.config["METRICS_TOKEN"],
        metrics.Gauges({metrics.TASK_QUEUE_DEPTH: huey.pending_count,
                        metrics.UPLOADS_PENDING: probes.in_app(app, recordings.uploads_pending)}))


def run_pending(now: datetime | None = None) -> int:
    """Run what is queued plus the retries due by ``now``, once each, in this process."""
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    for task in huey.read_schedule(now):
        huey.enqueue(task)
    ran = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task, now)
        ran += 1
    return ran


configure(Config.TASK_QUEUE_URL, Config.INSTANCE_PATH)
