"""Call history for the panel, today's figures, and recording downloads (exports: webadmin/exports.py).

Dates in filters are days in the tenant's time zone: "2026-03-02" means that day in Warsaw,
whatever the server's zone.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, g, jsonify, request
from marshmallow import ValidationError
from sqlalchemy import func, or_, select

from pbx import models, recordings
from pbx.contacts import Book
from pbx.extensions import db
from pbx.listing import Search
from pbx.messages import Message
from pbx.representations import stamp
from pbx.storage import StorageError
from pbx.tenancy import get_owned
from schemas.fields import Day, ParametersInvalid

from webadmin.auth import signed_in
from webadmin.common import list_query, paged_json
from webadmin.openapi import searchable

bp = Blueprint("calls_panel", __name__, url_prefix="/api")

MAX_ROWS = 500


def _zone() -> ZoneInfo:
    return ZoneInfo(g.tenant.timezone)


def _local(value: datetime | None) -> str:
    return datetime.fromisoformat(stamp(value)).astimezone(_zone()).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _day(name: str) -> date | None:
    text = request.args.get(name, "")
    if not text:
        return None
    try:
        return Day().deserialize(text)
    except ValidationError as error:
        raise ParametersInvalid({name: error.messages}) from None


def _day_start(day: date) -> datetime:
    """Local midnight as UTC: stored times are UTC, and SQLite compares them as text."""
    return datetime.combine(day, time.min, tzinfo=_zone()).astimezone(timezone.utc)


def filtered_calls():
    """The tenant's call records matching ?from=&to= (days, inclusive), ?user= and ?main_number=."""
    query = select(models.CallRecord).where(models.CallRecord.tenant_id == g.tenant.id)
    first, last = _day("from"), _day("to")
    if first:
        query = query.where(models.CallRecord.started_at >= _day_start(first))
    if last:
        query = query.where(models.CallRecord.started_at < _day_start(last + timedelta(days=1)))
    if request.args.get("user"):
        user = get_owned(models.User, g.tenant.id, request.args.get("user", type=int) or 0)
        legs = select(models.CallLeg.call_id).where(models.CallLeg.user_id == user.id)
        query = query.where(or_(models.CallRecord.answered_by_user_id == user.id, models.CallRecord.id.in_(legs)))
    if request.args.get("main_number"):
        number = get_owned(models.MainNumber, g.tenant.id, request.args.get("main_number", type=int) or 0)
        query = query.where(models.CallRecord.main_number == number.number)
    return query.order_by(models.CallRecord.started_at.desc())


def _names() -> dict[int, str]:
    rows = db.session.execute(select(models.User.id, models.User.first_name, models.User.last_name)
                              .where(models.User.tenant_id == g.tenant.id))
    return {row.id: f"{row.first_name} {row.last_name}" for row in rows}


def call_json(call: models.CallRecord, names: dict[int, str], book: Book, recorded: dict[str, list] | None = None,
              surveyed: dict | None = None) -> dict:
    """``recorded``: the recordings still kept, by call (``call_recordings``); ``surveyed``: the post-call
    survey answers of the calls, by call UUID."""
    return {
        "id": call.id, "started_at": stamp(call.started_at), "answered_at": stamp(call.answered_at),
        "ended_at": stamp(call.ended_at), "direction": call.direction, "main_number": call.main_number,
        "caller": call.caller, "caller_name": book.name(call.caller) if call.direction == "in" else None,
        "destination": call.destination, "answered_by": names.get(call.answered_by_user_id),
        "answered_number": call.answered_number,
        "wait_seconds": call.wait_seconds, "talk_seconds": call.talk_seconds,
        "hangup_cause": call.hangup_cause, "path": list(call.path or []) + list(call.transfers or []),
        "recordings": [{"id": r.id, "created_at": stamp(r.created_at), "duration_seconds": r.duration_seconds,
                        "started_by": names.get(r.started_by_user_id)}
                       for r in (recorded or {}).get(call.call_uuid, [])],
        "survey": (surveyed or {}).get(call.call_uuid),
    }


def call_recordings(calls: list[models.CallRecord]) -> dict[str, list]:
    """The call recordings of these calls the panel still offers, oldest first: the whole call's, and one
    per start of the record code (each naming who started it)."""
    rows = db.session.scalars(select(models.Recording).where(
        models.Recording.tenant_id == g.tenant.id, models.Recording.kind == "call", recordings.offered(),
        models.Recording.call_uuid.in_([c.call_uuid for c in calls])).order_by(models.Recording.created_at,
                                                                                models.Recording.id))
    found: dict[str, list] = {}
    for row in rows:
        found.setdefault(row.call_uuid, []).append(row)
    return found


def _surveyed(calls: list[models.CallRecord]) -> dict[str, list]:
    answer = models.SurveyAnswer
    return dict(db.session.execute(select(answer.call_uuid, answer.answers).where(
        answer.tenant_id == g.tenant.id, answer.call_uuid.in_([c.call_uuid for c in calls]))).all()) if calls else {}


def _contact_numbers(search: Search, book: Book) -> list[str]:
    """The numbers of the contacts so named, in the forms a carrier sends a caller's number in."""
    numbers = {number for number, contact in book.by_number.items() if search.matches(contact.name, contact.company)}
    return sorted({form for n in numbers for form in (n, n[1:], "00" + n[1:], n[3:] if n.startswith("+48") else n)})


def _found(search: Search, names: dict[int, str], book: Book):
    """Calls whose numbers hold the text (or its digits), that a user so named took part in, or from a
    contact so named."""
    texts = {search.text.strip(), search.digits} - {""}
    numbers = [column.contains(text, autoescape=True) for text in texts
               for column in (models.CallRecord.caller, models.CallRecord.destination,
                              models.CallRecord.main_number, models.CallRecord.answered_number)]
    users = [user_id for user_id, name in names.items() if search.matches(name)]
    legs = select(models.CallLeg.call_id).where(models.CallLeg.user_id.in_(users))
    return or_(*numbers, models.CallRecord.answered_by_user_id.in_(users), models.CallRecord.id.in_(legs),
               models.CallRecord.caller.in_(_contact_numbers(search, book)))


@bp.get("/calls")
@signed_in()
@searchable
def list_calls():
    """Call history, newest first; ?from=&to= (dates), ?user=, ?main_number= narrow it, ?q= finds a number or a person.

    Without ?per_page= the newest 500 calls."""
    search, paging = list_query()
    names, book = _names(), Book(g.tenant.id)
    query = filtered_calls()
    if search:
        query = query.where(_found(search, names, book))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    calls = db.session.scalars(query.offset(paging.offset).limit(paging.per_page or MAX_ROWS)).all()
    recorded, surveyed = call_recordings(calls), _surveyed(calls)
    return paged_json([call_json(c, names, book, recorded, surveyed) for c in calls], total)


@bp.get("/calls/today")
@signed_in()
def today():
    """Incoming calls of today in the tenant's zone: answered vs missed, and per hour for the chart.

    Bounded on both sides: a record dated later (a switch with a wrong clock) is not today's."""
    day = datetime.now(_zone()).date()
    started = models.CallRecord.started_at
    calls = db.session.scalars(select(models.CallRecord).where(
        models.CallRecord.tenant_id == g.tenant.id, models.CallRecord.direction == "in",
        started >= _day_start(day), started < _day_start(day + timedelta(days=1))))
    hours = [{"hour": h, "answered": 0, "missed": 0} for h in range(24)]
    for call in calls:
        local = datetime.fromisoformat(stamp(call.started_at)).astimezone(_zone())
        hours[local.hour]["answered" if call.answered_at else "missed"] += 1
    answered = sum(h["answered"] for h in hours)
    missed = sum(h["missed"] for h in hours)
    return jsonify(date=day.isoformat(), total=answered + missed, answered=answered, missed=missed, hours=hours)


@bp.get("/recordings/<int:recording_id>/audio")
@signed_in()
def recording_audio(recording_id):
    """A call recording's audio; ?download=1 saves it as a file."""
    recording = get_owned(models.Recording, g.tenant.id, recording_id)
    if recordings.expired(recording):
        day = _local(recording.expires_at)[:10]
        abort(410, Message("recording.expired", day=day))
    try:
        data = recordings.audio(recording, current_app.config)
    except StorageError:
        abort(503, Message("recording.storage_away"))
    # The caller id comes from the network: only digits and '+' reach the header.
    caller = re.sub(r"[^0-9+]", "", recording.caller) or "unknown"
    name = f"{_local(recording.created_at).replace(' ', '_').replace(':', '')}_{caller}.wav"
    disposition = "attachment" if request.args.get("download") else "inline"
    return Response(data, mimetype="audio/wav",
                    headers={"Content-Disposition": f'{disposition}; filename="{name}"'})
