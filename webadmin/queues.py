"""The reception page's live queue view and queue statistics."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import Blueprint, g, jsonify, request
from marshmallow import ValidationError

from pbx.messages import Message
from pbx.queues import queue_stats, waiting_now
from schemas.fields import iso_date_text
from webadmin.auth import signed_in

bp = Blueprint("queues", __name__)


@bp.get("/api/queues/waiting")
@signed_in()
def waiting_view():
    """Callers waiting in the company's queues now."""
    return jsonify(waiting=waiting_now(g.tenant.id))


@bp.get("/api/queues/stats")
@signed_in()
def stats_view():
    """Queue figures between ?since= and ?until= (ISO date-times; the last day by default)."""
    until = _date_arg("until") or datetime.now(timezone.utc)
    since = _date_arg("since") or (until - timedelta(days=1) if until.year > 1 else until)
    return jsonify(queues=queue_stats(g.tenant.id, since, until))


def _date_arg(name: str) -> datetime | None:
    value = request.args.get(name)
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(iso_date_text(value))
    except ValueError:
        raise ValidationError({name: [Message("date.not_a_date_time", value=value)]}) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
