"""Input schemas of the company directory: every problem is reported per field at once."""
from __future__ import annotations

import re

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates, validates_schema
from sqlalchemy import select

from pbx import models
from pbx.extensions import db
from pbx.messages import Message
from schemas.base import TenantSchema
from schemas.fields import Extension, FreeText, Name, OptionalPhoneNumber, PhoneNumber, TimeZone, normalise_phone

LANGUAGES = [lang.value for lang in models.Language]
_PATTERN_RE = re.compile(r"^\+[0-9]{1,15}\*?$")


class TenantInput(Schema):
    name = Name(required=True)
    timezone = TimeZone(load_default="Europe/Warsaw")
    language = fields.String(load_default="pl", validate=validate.OneOf(LANGUAGES))
    retention_days = fields.Integer(load_default=90, validate=validate.Range(min=1, max=3650))
    fallback_number = PhoneNumber(load_default=None, allow_none=True)

    def __init__(self, *, instance_id: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.instance_id = instance_id

    @validates("name")
    def _unique_name(self, value, **_):
        existing = db.session.scalar(select(models.Tenant.id).where(models.Tenant.name == value.strip()))
        if existing is not None and existing != self.instance_id:
            raise ValidationError(Message("company.name_taken", value=value))


def one_fallback(data: dict, box: str, number: str) -> dict:
    """A fallback is a voicemail box or an outside number: setting one clears the other."""
    if data.get(box) and data.get(number):
        raise ValidationError(Message("fallback.box_or_number"), number)
    if data.get(box):
        data[number] = None
    elif data.get(number):
        data[box] = None
    return data


class FallbackInput(TenantSchema):
    """Where calls go when nobody answered (the group's members, the main number's user or group)."""

    fallback_box_id = fields.Integer(allow_none=True)
    fallback_number = OptionalPhoneNumber(allow_none=True)

    @validates_schema
    def _fallback_box(self, data, **_):
        if data.get("fallback_box_id"):
            self.owned_ids(models.VoicemailBox, [data["fallback_box_id"]], "fallback_box_id")

    @post_load
    def _one_fallback(self, data, **_):
        return one_fallback(data, "fallback_box_id", "fallback_number")


class MainNumberInput(FallbackInput):
    number = PhoneNumber(required=True)
    is_primary = fields.Boolean(load_default=False)
    label = Name(load_default="", min_length=0)
    target_user_id = fields.Integer(load_default=None, allow_none=True)
    target_group_id = fields.Integer(load_default=None, allow_none=True)

    @validates("number")
    def _unique_number(self, value, **_):
        existing = db.session.scalar(select(models.MainNumber).where(models.MainNumber.number == value))
        if existing is not None and existing.id != self.instance_id:
            # Never say which company owns it: that would leak across tenants.
            raise ValidationError(Message("main_number.taken", number=value))

    @validates_schema(skip_on_field_errors=False)
    def _targets(self, data, **_):
        if data.get("target_user_id") and data.get("target_group_id"):
            raise ValidationError(Message("main_number.user_or_group"), "target_group_id")
        if data.get("target_user_id"):
            self.owned_ids(models.User, [data["target_user_id"]], "target_user_id")
        if data.get("target_group_id"):
            self.owned_ids(models.Group, [data["target_group_id"]], "target_group_id")


class UserInput(TenantSchema):
    first_name = Name(required=True, max_length=60)
    last_name = Name(required=True, max_length=60)
    phone = PhoneNumber(load_default=None, allow_none=True)
    email = fields.Email(required=True, validate=validate.Length(max=254))
    role = fields.String(load_default="user", validate=validate.OneOf([r.value for r in models.Role]))
    description = FreeText(load_default="")
    extension = Extension(load_default=None, allow_none=True)
    may_present_main_number = fields.Boolean(load_default=False)
    always_present_main_number = fields.Boolean(load_default=False)
    record_calls = fields.Boolean(load_default=False)
    admin_level = fields.Integer(load_default=0, validate=validate.Range(min=0, max=3))
    receptionist = fields.Boolean(load_default=False)
    may_record_on_demand = fields.Boolean(load_default=False)

    @post_load
    def _lower_email(self, data, **_):
        if "email" in data:
            data["email"] = data["email"].lower()
        return data

    @validates_schema(skip_on_field_errors=False)
    def _extension(self, data, **_):
        if data.get("extension"):
            self.extension_free(data["extension"], own_model=models.User)
        if data.get("always_present_main_number") and not data.get("may_present_main_number", True):
            raise ValidationError(Message("user.present_main_number"), "always_present_main_number")


class MemberInput(Schema):
    user_id = fields.Integer(required=True)
    ring_seconds = fields.Integer(load_default=20, validate=validate.Range(min=5, max=300))


class GroupInput(FallbackInput):
    name = Name(required=True)
    ring_mode = fields.String(load_default="sequential", validate=validate.OneOf([m.value for m in models.RingMode]))
    extension = Extension(load_default=None, allow_none=True)
    record_calls = fields.Boolean(load_default=False)
    members = fields.List(fields.Nested(MemberInput), load_default=list)

    @validates_schema(skip_on_field_errors=False)
    def _references(self, data, **_):
        if data.get("extension"):
            self.extension_free(data["extension"], own_model=models.Group)
        # With field errors the list may hold members that failed to load: their errors are reported already.
        ids = [m["user_id"] for m in data.get("members", []) if isinstance(m, dict) and "user_id" in m]
        if len(ids) != len(set(ids)):
            raise ValidationError(Message("group.member_twice"), "members")
        self.owned_ids(models.User, ids, "members")


def _pattern(value: str) -> str:
    text = value.strip()
    prefix = text.endswith("*")
    core = text[:-1] if prefix else text
    if prefix:
        digits = re.sub(r"[\s\-]", "", core)
        if digits.startswith("00"):
            digits = "+" + digits[2:]
        if digits in ("", "+"):  # '*' alone once became '+48*' and blocked every Polish caller
            raise ValidationError(Message("number_list.every_caller", value=value))
        if not digits.startswith("+"):
            digits = "+48" + digits
        result = digits + "*"
    else:
        result = normalise_phone(core)
    if not _PATTERN_RE.fullmatch(result):
        raise ValidationError(Message("number_list.not_a_pattern", value=value))
    return result


class PatternField(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        return _pattern(super()._deserialize(value, attr, data, **kwargs))


class NumberListInput(TenantSchema):
    name = Name(required=True)
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in models.ListKind]))
    patterns = fields.List(PatternField(), load_default=list, validate=validate.Length(max=10000))


class AnnouncementInput(TenantSchema):
    name = Name(required=True)
    language = fields.String(load_default="pl", validate=validate.OneOf(LANGUAGES))
    source = fields.String(load_default="tts", validate=validate.OneOf([s.value for s in models.PromptSource]))
    text = FreeText(load_default="", max_length=2000)
    voice = fields.String(load_default="female", validate=validate.OneOf(["female", "male"]))

    @validates_schema(skip_on_field_errors=False)
    def _text_for_tts(self, data, **_):
        if data.get("source", "tts") == "tts" and not data.get("text", "").strip():
            raise ValidationError(Message("announcement.text_required"), "text")


class VoicemailBoxInput(TenantSchema):
    name = Name(required=True)
    greeting_id = fields.Integer(load_default=None, allow_none=True)
    recipient_ids = fields.List(fields.Integer(), load_default=list)
    extra_emails = fields.List(fields.Email(), load_default=list, validate=validate.Length(max=50))
    max_seconds = fields.Integer(load_default=180, validate=validate.Range(min=10, max=600))

    @validates_schema(skip_on_field_errors=False)
    def _references(self, data, **_):
        self.owned_ids(models.User, data.get("recipient_ids", []), "recipient_ids")
        if data.get("greeting_id"):
            self.owned_ids(models.Announcement, [data["greeting_id"]], "greeting_id")
        # An unreadable recipient list is already reported item by item; it is not an empty one.
        if "recipient_ids" in data and not data["recipient_ids"] and not data.get("extra_emails"):
            raise ValidationError(Message("voicemail_box.no_recipient"), "recipient_ids")
