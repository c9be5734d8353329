"""Exports for finance: call records downloaded at once or written in the background, and
scheduled exports e-mailed every day, week or month (docs/exports.md)."""
from __future__ import annotations

import tempfile

from flask import Blueprint, Response, abort, current_app, g, jsonify, request, send_file
from pbx import call_export, export_jobs, models, tasks
from pbx.exports import MEDIA_TYPES, check_export_size, dialect
from pbx.extensions import db
from pbx.messages import Message
from pbx.representations import stamp
from pbx.storage import StorageError
from pbx.tenancy import get_owned, scoped
from schemas.exports import ExportQuery, ExportScheduleInput

from webadmin.auth import signed_in
from webadmin.common import body, loaded_query
from webadmin.openapi import accepts, queries

bp = Blueprint("exports", __name__, url_prefix="/api")
FILTERS = ("main_number", "user", "group", "direction", "answered")
LISTED_JOBS = 20


def _query() -> dict:
    """The export asked for in the query string; empty parameters are not given."""
    given = {key: value for key, value in request.args.items() if value != ""}
    return loaded_query(ExportQuery(tenant_id=g.tenant.id), given)


@bp.get("/calls.csv", endpoint="export_calls_csv")  # the address of the first, CSV-only export
@bp.get("/calls/export")
@signed_in()
@queries(ExportQuery)
def export_calls():
    """Call records as one file: CSV (plain or for Polish Excel) or XLSX, at most EXPORT_MAX_ROWS.

    A bad filter: 400 naming it. More calls: 422 naming "to"; start a background export (POST /api/exports) instead.
    """
    filters = _query()
    check_export_size(call_export.count(g.tenant, filters), current_app.config["EXPORT_MAX_ROWS"])
    name = export_jobs.file_name(filters, filters["format"])
    if filters["format"] == "xlsx":
        handle = tempfile.TemporaryFile()  # the workbook is zipped at its end: written first, then sent
        export_jobs.write_file(g.tenant, filters, "xlsx", handle, filters.get("lang"))
        handle.seek(0)
        return send_file(handle, mimetype=MEDIA_TYPES["xlsx"], as_attachment=True, download_name=name)
    chosen = dialect(filters["format"])
    return Response(_csv_stream(current_app._get_current_object(), g.tenant.id, filters, chosen),
                    mimetype=MEDIA_TYPES[filters["format"]], headers={"Content-Disposition": f"attachment; filename={name}"})


def _csv_stream(app, tenant_id: int, filters: dict, chosen):
    """The CSV as it is written, in a context of its own: the request's is gone while it streams."""
    with app.app_context():
        yield from export_jobs.csv_bytes(db.session.get(models.Tenant, tenant_id), filters, chosen)


def _job_json(job: models.ExportJob) -> dict:
    return {"id": job.id, "format": job.format, "status": job.status, "file_name": job.file_name,
            "rows_total": job.rows_total, "rows_done": job.rows_done, "size_bytes": job.size_bytes,
            "error": job.error, "requested_by": job.requested_by, "created_at": stamp(job.created_at),
            "finished_at": stamp(job.finished_at), "filters": job.filters,
            "download": f"/api/exports/{job.id}/file" if job.status == "done" else None}


@bp.post("/exports")
@signed_in()
@queries(ExportQuery)
def start_export():
    """A background export of any size, filtered as a download is; watch it at /api/exports/{job_id}."""
    job = export_jobs.start(g.tenant, _query(), g.user.email)
    db.session.commit()
    try:
        tasks.enqueue(tasks.run_export.s(job.id))
    except tasks.QueueDown:
        # Queued after the commit (the worker reads the job): the job says why it never ran.
        export_jobs.not_queued(job)
        abort(503, Message("export.queue_away"))
    db.session.refresh(job)
    return jsonify(_job_json(job)), 202


@bp.get("/exports")
@signed_in()
def list_exports():
    """The company's latest background exports, newest first, with their progress."""
    jobs = db.session.scalars(scoped(models.ExportJob, g.tenant.id)
                              .order_by(models.ExportJob.id.desc()).limit(LISTED_JOBS))
    return jsonify([_job_json(job) for job in jobs])


@bp.get("/exports/<int:job_id>")
@signed_in()
def show_export(job_id):
    """One background export: its status and rows written so far."""
    return jsonify(_job_json(get_owned(models.ExportJob, g.tenant.id, job_id)))


@bp.get("/exports/<int:job_id>/file")
@signed_in()
def export_file(job_id):
    """The file of a finished background export."""
    job = get_owned(models.ExportJob, g.tenant.id, job_id)
    if job.status != "done":
        abort(409, Message("export.not_ready", done=job.rows_done, total=job.rows_total))
    try:
        chunks = export_jobs.chunks(job, current_app.config)
        first = next(chunks, b"")
    except StorageError:
        abort(503, Message("export.storage_away"))
    return Response(_chained(first, chunks), mimetype=MEDIA_TYPES[job.format],
                    headers={"Content-Disposition": f"attachment; filename={job.file_name}"})


def _chained(first: bytes, rest):
    yield first
    yield from rest


# ------------------------------------------------------------------ scheduled exports

def _names(tenant_id: int, filters: dict) -> dict:
    """The filters' objects by their names, for the panel's list."""
    def named(model, key, name):
        obj = db.session.scalar(scoped(model, tenant_id).where(model.id == filters[key])) if filters.get(key) else None
        return name(obj) if obj is not None else None
    return {"main_number": named(models.MainNumber, "main_number", lambda n: n.label or n.number),
            "user": named(models.User, "user", lambda u: u.full_name),
            "group": named(models.Group, "group", lambda grp: grp.name)}


def _schedule_json(schedule: models.ExportSchedule) -> dict:
    return {"id": schedule.id, "name": schedule.name, "frequency": schedule.frequency, "format": schedule.format,
            "recipients": list(schedule.recipients), **{key: schedule.filters.get(key) for key in FILTERS},
            "names": _names(schedule.tenant_id, schedule.filters),
            "last_period_sent": schedule.last_period_sent.isoformat() if schedule.last_period_sent else None}


def _apply(schedule: models.ExportSchedule, data: dict) -> None:
    for key in ("name", "frequency", "format", "recipients"):
        if key in data:
            setattr(schedule, key, data[key])
    schedule.filters = {key: data.get(key, schedule.filters.get(key)) for key in FILTERS}


@bp.get("/export-schedules")
@signed_in()
def list_schedules():
    """The company's scheduled exports."""
    schedules = db.session.scalars(scoped(models.ExportSchedule, g.tenant.id).order_by(models.ExportSchedule.name))
    return jsonify([_schedule_json(schedule) for schedule in schedules])


@bp.post("/export-schedules")
@signed_in(2)
@accepts(ExportScheduleInput)
def create_schedule():
    """A scheduled export: each past day, week or month e-mailed to the recipients; audited."""
    data = ExportScheduleInput(tenant_id=g.tenant.id).load(body())
    schedule = models.ExportSchedule(tenant_id=g.tenant.id, filters={})
    _apply(schedule, data)
    db.session.add(schedule)
    db.session.commit()
    return jsonify(_schedule_json(schedule)), 201


@bp.patch("/export-schedules/<int:schedule_id>")
@signed_in(2)
@accepts(ExportScheduleInput, partial=True)
def update_schedule(schedule_id):
    """Change a scheduled export (only the fields sent); audited."""
    schedule = get_owned(models.ExportSchedule, g.tenant.id, schedule_id)
    sent = body()
    data = ExportScheduleInput(tenant_id=g.tenant.id, partial=True).load(sent)
    _apply(schedule, {key: value for key, value in data.items() if key in sent})
    db.session.commit()
    return jsonify(_schedule_json(schedule))


@bp.delete("/export-schedules/<int:schedule_id>")
@signed_in(2)
def delete_schedule(schedule_id):
    """Stop a scheduled export; audited."""
    db.session.delete(get_owned(models.ExportSchedule, g.tenant.id, schedule_id))
    db.session.commit()
    return "", 204

