"""Input of a main number's temporary override: where its calls go until when, and why."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from marshmallow import ValidationError, fields, validate, validates_schema

from pbx import models
from pbx.messages import Message
from schemas.base import TenantSchema
from schemas.fields import DateText, FreeText, OptionalPhoneNumber

MODES = ("closed", "announcement", "user", "group", "number")
TARGET_FIELD = {"announcement": "announcement_id", "user": "user_id", "group": "group_id", "number": "number"}
_MODELS = {"announcement_id": models.Announcement, "user_id": models.User, "group_id": models.Group}


def local_end(text: str, zone: str) -> datetime:
    """A wall time typed in the company's zone as a UTC instant; a time a DST change repeats or skips is refused."""
    try:
        naive = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(Message("date.not_a_date_time", value=text)) from None
    if naive.tzinfo is not None:
        raise ValidationError(Message("date.not_a_date_time", value=text))
    first, second = naive.replace(tzinfo=ZoneInfo(zone)), naive.replace(tzinfo=ZoneInfo(zone), fold=1)
    if first.utcoffset() != second.utcoffset():
        there = first.astimezone(timezone.utc).astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        code = "date.skipped_by_clock_change" if there != naive else "date.repeated_by_clock_change"
        raise ValidationError(Message(code, value=text, zone=zone))
    return first.astimezone(timezone.utc)


class OverrideInput(TenantSchema):
    ends_at = DateText(required=True)  # "2026-12-24T14:00" or "24.12.2026 14:00"
    mode = fields.String(required=True, validate=validate.OneOf(MODES))
    announcement_id = fields.Integer(load_default=None, allow_none=True)
    user_id = fields.Integer(load_default=None, allow_none=True)
    group_id = fields.Integer(load_default=None, allow_none=True)
    number = OptionalPhoneNumber(load_default=None, allow_none=True)
    reason = FreeText(max_length=200, load_default="")

    def __init__(self, *, zone: str = "Europe/Warsaw", now: datetime | None = None, **kwargs):
        super().__init__(**kwargs)
        self.zone, self.now = zone, now

    @validates_schema
    def _end_and_target(self, data, **_):
        try:
            ends = local_end(data["ends_at"], self.zone)
        except ValidationError as error:
            raise ValidationError(error.messages, "ends_at") from None
        if ends <= (self.now or datetime.now(timezone.utc)):
            raise ValidationError(Message("override.in_the_past", value=data["ends_at"]), "ends_at")
        field = TARGET_FIELD.get(data["mode"])
        if field and not data.get(field):
            raise ValidationError(Message("override.target_required"), field)
        if field in _MODELS:
            self.owned_ids(_MODELS[field], [data[field]], field)
        data["ends_at"] = ends
        for other in TARGET_FIELD.values():
            if other != field:
                data[other] = None
