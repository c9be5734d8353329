"""Input schema of a company's own settings, as its owner changes them in the panel."""
from __future__ import annotations

import re

from marshmallow import ValidationError, fields, post_load, validate, validates_schema
from sqlalchemy import select

from pbx import models
from pbx.extensions import db
from pbx.messages import Message
from pbx.tenancy import missing, storable_id
from schemas.directory import TenantInput, one_fallback
from schemas.fields import OptionalPhoneNumber


TRANSFER_CODE = re.compile(r"[*#][0-9]\Z")  # Regexp matches from the start only
DEFAULT_CODES = {"transfer_blind_code": "*1", "transfer_attended_code": None}
DEFAULT_RECORD_CODE = "*3"


class CompanyInput(TenantInput):
    """The rules of a new company's settings; loaded with partial=True, any subset may change."""

    # Strict: 30.5 days is refused instead of being cut to 30.
    retention_days = fields.Integer(strict=True, validate=validate.Range(min=1, max=3650))
    # Clearing the field in the panel removes the fallback number.
    fallback_number = OptionalPhoneNumber(allow_none=True)
    # Where unanswered calls go when nothing more specific is set (a group's, a main number's fallback).
    default_fallback_box_id = fields.Integer(allow_none=True)
    default_fallback_number = OptionalPhoneNumber(allow_none=True)
    # Feature codes on a bridged call; the dialplan binds them with bind_meta_app: a meta key, then one digit.
    transfer_blind_code = fields.String(allow_none=True, validate=validate.Regexp(
        TRANSFER_CODE, error=Message("company.transfer_code")))
    transfer_attended_code = fields.String(allow_none=True, validate=validate.Regexp(
        TRANSFER_CODE, error=Message("company.transfer_code")))
    # Starts and stops recording a bridged call, for users with the right; bound with the transfer codes.
    record_code = fields.String(allow_none=True, validate=validate.Regexp(
        TRANSFER_CODE, error=Message("company.record_code")))
    # The announcement the other side hears when a call starts being recorded; None: the shared one.
    recording_notice_id = fields.Integer(allow_none=True)

    @validates_schema
    def _transfer_codes(self, data, **_):
        """One meta key per call (the channel variable bind_meta_key), so both codes start alike and differ after."""
        stored = db.session.get(models.Tenant, self.instance_id) if self.instance_id else None
        codes = [data.get(name, getattr(stored, name, DEFAULT_CODES[name])) for name in DEFAULT_CODES]
        if None in codes or any(not TRANSFER_CODE.fullmatch(code) for code in codes):
            return
        if codes[0] == codes[1] or codes[0][0] != codes[1][0]:
            field = "transfer_attended_code" if "transfer_attended_code" in data else "transfer_blind_code"
            raise ValidationError(Message("company.transfer_codes_clash", blind=codes[0], attended=codes[1]), field)

    @validates_schema
    def _record_code(self, data, **_):
        """Bound with the transfer codes on one meta key (bind_meta_key), so it starts alike and has its own digit."""
        stored = db.session.get(models.Tenant, self.instance_id) if self.instance_id else None
        record = data.get("record_code", getattr(stored, "record_code", DEFAULT_RECORD_CODE))
        transfers = [code for code in (data.get(name, getattr(stored, name, DEFAULT_CODES[name]))
                                       for name in DEFAULT_CODES) if code and TRANSFER_CODE.fullmatch(code)]
        if not record or not TRANSFER_CODE.fullmatch(record) or not transfers:
            return
        if len({code[0] for code in transfers}) > 1 or len(set(transfers)) < len(transfers):
            return  # the transfer codes' own clash is the error to tell
        if record[0] != transfers[0][0] or record[1] in {code[1] for code in transfers}:
            field = "record_code" if "record_code" in data else next(name for name in DEFAULT_CODES if name in data)
            raise ValidationError(Message("company.record_code_clash", record=record,
                                          transfers=", ".join(transfers)), field)

    @validates_schema
    def _recording_notice(self, data, **_):
        notice = data.get("recording_notice_id")
        if notice and (not storable_id(notice) or self.instance_id != db.session.scalar(
                select(models.Announcement.tenant_id).where(models.Announcement.id == notice))):
            raise ValidationError(missing("Announcement", [notice]), "recording_notice_id")

    @validates_schema
    def _default_fallback(self, data, **_):
        box = data.get("default_fallback_box_id")
        if box and (not storable_id(box) or self.instance_id != db.session.scalar(
                select(models.VoicemailBox.tenant_id).where(models.VoicemailBox.id == box))):
            raise ValidationError(missing("VoicemailBox", [box]), "default_fallback_box_id")

    @post_load
    def _one_default_fallback(self, data, **_):
        return one_fallback(data, "default_fallback_box_id", "default_fallback_number")
