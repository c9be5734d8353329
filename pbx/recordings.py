"""Recordings: from FreeSWITCH's disk to storage, verified, kept for the tenant's retention.

A RECORD_STOP becomes a ``Recording`` row (unique on its file path, so repeats collapse);
the upload task copies the file to storage, checks size and SHA-256, records the key and only
then removes the local file. While storage is down the task fails and huey retries it; a
periodic sweep re-queues anything still not uploaded. Each row carries its ``expires_at``; a
recording under legal hold is never deleted, by the expiry job, by a GDPR request or by S3.
"""
from __future__ import annotations

import logging
import os
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, or_, select

from pbx import models
from pbx.audit import note
from pbx.calls.legs import as_int, call_of, var
from pbx.calls.store import aware, moment, upsert
from pbx.dialplan import surveying
from pbx.extensions import db
from pbx.storage import LocalStorage, S3Storage, StorageError, object_key, storage_from_config

log = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 90
# What made a recording is told by the file our dialplans name: the voicemail node records
# ``<dir>/<tenant>/vm_<box>_<uuid>.wav``, a recorded call (``record_session``) ``<dir>/<tenant>/<uuid>.wav``,
# a recording a user started with the record code ``<dir>/<tenant>/od_<user>_<leg uuid>_<n>.wav``
# (pbx.dialplan.recording), recorded on that user's leg.
# A survey's spoken comment is ``<dir>/<tenant>/survey_<uuid>.wav``.
# Never by a channel variable: a voicemail after a recorded forward sets its variables before
# the call's own recording stops.
_VOICEMAIL_FILE = re.compile(r"^vm_(?:(\d+)_)?")
_ON_DEMAND_FILE = re.compile(r"^od_(\d+)_")


STORAGE_SETTINGS = ("S3_BUCKET", "S3_ENDPOINT_URL", "S3_REGION", "STORAGE_DIR")
_storages: dict[tuple, LocalStorage | S3Storage] = {}


def storage(config) -> LocalStorage | S3Storage:
    """The storage ``config`` (the app's settings) names, one per setting (a boto3 client is costly to build)."""
    key = tuple(config.get(name) for name in STORAGE_SETTINGS)
    if key not in _storages:
        _storages[key] = storage_from_config(config)
    return _storages[key]


def local_path(freeswitch_path: str, config) -> str:
    """The file as the listener sees it: FreeSWITCH's recordings folder may be mounted elsewhere."""
    remote, mount = config.get("RECORDINGS_DIR", ""), config.get("RECORDINGS_MOUNT")
    if mount and remote and freeswitch_path.startswith(remote.rstrip("/") + "/"):
        return str(Path(mount) / freeswitch_path[len(remote.rstrip("/")) + 1:])
    return freeswitch_path


def ensure_tenant_folders(config) -> list[Path]:
    """Create ``<recordings dir>/<tenant id>/`` for every tenant where this host sees the folder.

    FreeSWITCH's ``record`` and ``record_session`` do not create folders: recording into a
    missing one fails and ``record`` hangs the call up (mod_sndfile "Error Opening File").
    """
    base = Path(config.get("RECORDINGS_MOUNT") or config.get("RECORDINGS_DIR", ""))
    if not base.is_dir():
        log.warning("recordings folder %s is not visible from here (CENTRALKA_RECORDINGS_DIR, "
                    "CENTRALKA_RECORDINGS_MOUNT): the switch's host must create <folder>/<company id>/ "
                    "or voicemail and call recording fail", base)
        return []
    created = []
    for tenant_id in db.session.scalars(select(models.Tenant.id)):
        folder = base / str(tenant_id)
        if not folder.is_dir():
            folder.mkdir(mode=0o775)
            created.append(folder)
    return created


def recording_facts(headers: dict, config) -> dict | None:
    """A finished recording from RECORD_STOP (``record_session`` and voicemail ``record``)."""
    path = headers.get("Record-File-Path")
    if not path:
        return None
    name = os.path.basename(path)
    voicemail = _VOICEMAIL_FILE.match(name)
    tenant = as_int(var(headers, "centralka_tenant")) or _tenant_from_folder(path, config)
    box = as_int(voicemail.group(1)) if voicemail else None
    on_demand = _ON_DEMAND_FILE.match(name)
    stamp = as_int(headers.get("Event-Date-Timestamp"))
    leg = headers.get("Unique-ID", "")
    return {
        "local_path": local_path(path, config), "tenant_id": tenant,
        # A user's leg records on demand: the call is its caller's, as for the leg's call record.
        "call_uuid": call_of(headers, leg) if on_demand and leg else (
            var(headers, "call_uuid") or headers.get("Channel-Call-UUID") or leg),
        "kind": "voicemail" if voicemail else "survey" if name.startswith(surveying.COMMENT_FILE) else "call", "voicemail_box_id": box,
        "started_by_user_id": as_int(on_demand.group(1)) if on_demand else None,
        "caller": headers.get("Caller-Caller-ID-Number", ""),
        "duration": (as_int(var(headers, "record_ms")) or 0) / 1000,
        "at": stamp / 1e6 if stamp else None,
    }


def _tenant_from_folder(path: str, config) -> int | None:
    """Our dialplans record to ``<recordings dir>/<tenant id>/...``."""
    parent = Path(path).parent
    if str(parent.parent) == config.get("RECORDINGS_DIR", "").rstrip("/"):
        return as_int(parent.name)
    return None


def save_recordings(session, facts: list[dict]) -> list[int]:
    """Insert new recordings; returns the ids still waiting for upload."""
    tenants = dict(session.execute(select(models.Tenant.id, models.Tenant.retention_days).where(
        models.Tenant.id.in_({f["tenant_id"] for f in facts if f["tenant_id"]}))).all())
    boxes = set(session.scalars(select(models.VoicemailBox.id).where(
        models.VoicemailBox.id.in_({f["voicemail_box_id"] for f in facts if f["voicemail_box_id"]}))))
    users = set(session.execute(select(models.User.id, models.User.tenant_id).where(
        models.User.id.in_({f.get("started_by_user_id") for f in facts} - {None}))).all())
    rows = []
    for fact in facts:
        if fact["tenant_id"] not in tenants:
            log.warning("recording %s has no known tenant; left on disk", fact["local_path"])
            continue
        created = moment(fact["at"]) or datetime.now(timezone.utc)
        rows.append({
            "tenant_id": fact["tenant_id"], "call_uuid": fact["call_uuid"], "kind": fact["kind"],
            "caller": fact["caller"], "local_path": fact["local_path"], "duration_seconds": fact["duration"],
            "voicemail_box_id": fact["voicemail_box_id"] if fact["voicemail_box_id"] in boxes else None,
            # Facts journaled by an earlier version have no starter; a user since deleted is no one.
            "started_by_user_id": (fact.get("started_by_user_id")
                                   if (fact.get("started_by_user_id"), fact["tenant_id"]) in users else None),
            "created_at": created, "legal_hold": False,
            "expires_at": created + timedelta(days=tenants[fact["tenant_id"]] or DEFAULT_RETENTION_DAYS),
        })
    if not rows:
        return []
    session.execute(upsert(session, models.Recording.__table__).on_conflict_do_nothing(
        index_elements=["local_path"]), rows)
    return list(session.scalars(select(models.Recording.id).where(
        models.Recording.local_path.in_([row["local_path"] for row in rows]),
        models.Recording.uploaded_at.is_(None))))


def voicemail_calls(facts: list[dict]) -> list[str]:
    return [fact["call_uuid"] for fact in facts if fact["voicemail_box_id"]]


def voicemail_ids(session, facts: list[dict]) -> list[int]:
    """The stored voicemails of these recordings' calls: what is e-mailed."""
    calls = voicemail_calls(facts)
    if not calls:
        return []
    return list(session.scalars(select(models.Recording.id).where(
        models.Recording.call_uuid.in_(calls), models.Recording.voicemail_box_id.is_not(None))))


def upload(recording_id: int, config) -> bool:
    """Copy one recording to storage and verify it; True once it is safely stored."""
    recording = db.session.get(models.Recording, recording_id)
    if recording is None:
        return True  # deleted meanwhile (GDPR, expiry)
    if recording.uploaded_at is not None:
        Path(recording.local_path).unlink(missing_ok=True)
        return True
    if not os.path.exists(recording.local_path):
        log.error("recording %s: file %s is missing", recording.id, recording.local_path)
        return False
    tenant = db.session.get(models.Tenant, recording.tenant_id)
    key = object_key(tenant.retention_days or DEFAULT_RETENTION_DAYS, tenant.id,
                     aware(recording.created_at), os.path.basename(recording.local_path))
    stored = storage(config).put(recording.local_path, key, hold=recording.legal_hold)
    recording.storage_key, recording.size_bytes, recording.sha256 = stored.key, stored.size, stored.sha256
    recording.uploaded_at = datetime.now(timezone.utc)
    db.session.commit()
    db.session.refresh(recording)
    if recording.legal_hold:
        storage(config).set_hold(stored.key, True)  # held while the upload was under way
    Path(recording.local_path).unlink(missing_ok=True)
    return True


def audio(recording: models.Recording, config) -> bytes:
    """The recording's bytes, wherever they are now."""
    if recording.uploaded_at is None:
        try:
            return Path(recording.local_path).read_bytes()
        except FileNotFoundError:
            db.session.refresh(recording)  # uploaded, and the file removed, since it was read
    if recording.storage_key:
        return storage(config).read(recording.storage_key)
    raise StorageError(f"recording {recording.id} is neither on disk nor in storage")


def _delete(recording: models.Recording, config) -> None:
    if recording.storage_key:
        storage(config).delete(recording.storage_key)
    Path(recording.local_path).unlink(missing_ok=True)
    db.session.delete(recording)


def expire(config, now: datetime | None = None, batch: int = 200) -> int:
    """Delete recordings past their expiry (rows, objects, files); held ones stay."""
    now = now or datetime.now(timezone.utc)
    deleted = 0
    while True:
        due = db.session.scalars(select(models.Recording).where(
            models.Recording.expires_at <= now, models.Recording.legal_hold.is_(False)).limit(batch)).all()
        for recording in due:
            _delete(recording, config)
        db.session.commit()
        deleted += len(due)
        if len(due) < batch:
            return deleted


def expired(recording: models.Recording, now: datetime | None = None) -> bool:
    """Past its expiry and not held: gone for the panel at once, before the expiry job deletes it."""
    return not recording.legal_hold and aware(recording.expires_at) <= (now or datetime.now(timezone.utc))


def offered():
    """The SQL condition of the recordings the panel still offers (see ``expired``)."""
    return or_(models.Recording.legal_hold.is_(True), models.Recording.expires_at > datetime.now(timezone.utc))


def set_legal_hold(tenant_id: int, recording_id: int, hold: bool, config) -> models.Recording:
    recording = db.session.scalars(select(models.Recording).where(
        models.Recording.id == recording_id, models.Recording.tenant_id == tenant_id)).one()
    recording.legal_hold = hold
    db.session.commit()
    if recording.storage_key:
        storage(config).set_hold(recording.storage_key, hold)
    return recording


def forget_caller(tenant_id: int, number: str, config) -> dict:
    """GDPR erasure: every recording of a caller number, except those under legal hold."""
    variants = {number, number.lstrip("+"), "+" + number.lstrip("+")}
    found = db.session.scalars(select(models.Recording).where(
        models.Recording.tenant_id == tenant_id, models.Recording.caller.in_(variants))).all()
    held = [recording.id for recording in found if recording.legal_hold]
    for recording in found:
        if not recording.legal_hold:
            _delete(recording, config)
    db.session.commit()
    return {"deleted": len(found) - len(held), "kept_under_legal_hold": held}


def inbox(box: models.VoicemailBox) -> list[models.Recording]:
    """The box's messages still kept, newest first."""
    return db.session.scalars(select(models.Recording).where(
        models.Recording.tenant_id == box.tenant_id, models.Recording.voicemail_box_id == box.id,
        models.Recording.kind == "voicemail", offered()).order_by(models.Recording.created_at.desc())).all()


def message(box: models.VoicemailBox, message_id: int) -> models.Recording | None:
    return next((row for row in inbox(box) if row.id == message_id), None)


def delete_message(box: models.VoicemailBox, recording: models.Recording, config) -> None:
    """Delete a voicemail now, rows, object and file; the audit log keeps who, whose and when."""
    when = aware(recording.created_at).strftime("%Y-%m-%d %H:%M UTC")
    note(db.session, recording, "delete",
         f"deleted the voicemail from {recording.caller or 'an unknown caller'} of {when} in box {box.name}",
         caller=recording.caller, received_at=aware(recording.created_at).isoformat(), voicemail_box_id=box.id)
    _delete(recording, config)
    db.session.commit()


def describe(recording: models.Recording) -> dict:
    return {
        "id": recording.id, "call_uuid": recording.call_uuid, "kind": recording.kind,
        "caller": recording.caller, "duration_seconds": recording.duration_seconds,
        "created_at": aware(recording.created_at).isoformat(),
        "stored": recording.uploaded_at is not None, "legal_hold": recording.legal_hold,
        # Under legal hold nothing deletes it, so it has no expiry date.
        "expires_at": None if recording.legal_hold else aware(recording.expires_at).isoformat(),
        "heard_at": aware(recording.heard_at).isoformat() if recording.heard_at else None,
        "started_by_user_id": recording.started_by_user_id,  # who pressed the record code; None: the whole call
    }


def apply_retention(config) -> set[int]:
    """Lifecycle rules for every retention a tenant uses (S3; a folder has none)."""
    retentions = set(db.session.scalars(select(models.Tenant.retention_days).distinct())) | {DEFAULT_RETENTION_DAYS}
    storage(config).apply_retention(retentions)
    return retentions


def unfinished(older_than: timedelta = timedelta(minutes=2)) -> list[int]:
    """Recordings whose upload has not happened yet, e.g. queued before a crash."""
    cutoff = datetime.now(timezone.utc) - older_than
    return list(db.session.scalars(select(models.Recording.id).where(
        models.Recording.uploaded_at.is_(None), models.Recording.created_at <= cutoff)))


def uploads_pending() -> int:
    """Recordings of every company not yet uploaded to storage (a figure for the operator, no company's)."""
    return db.session.scalar(select(func.count()).select_from(models.Recording).where(
        models.Recording.uploaded_at.is_(None)))


def storage_used(tenant: models.Tenant) -> dict:
    """What the company's stored call recordings and voicemail take (count, bytes) and how long they are kept."""
    stored = models.Recording
    rows = db.session.execute(
        select(stored.kind, func.count(), func.coalesce(func.sum(stored.size_bytes), 0))
        .where(stored.tenant_id == tenant.id, stored.kind.in_(("call", "voicemail"))).group_by(stored.kind)).all()
    used = {kind: {"count": count, "bytes": int(size)} for kind, count, size in rows}
    empty = {"count": 0, "bytes": 0}
    return {"recordings": used.get("call", empty), "voicemail": used.get("voicemail", empty),
            "retention_days": tenant.retention_days}
