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
    def _default_fallback(self, data, **_):
        box = data.get("default_fallback_box_id")
        if box and (not storable_id(box) or self.instance_id != db.session.scalar(
                select(models.VoicemailBox.tenant_id).where(models.VoicemailBox.id == box))):
            raise ValidationError(missing("VoicemailBox", [box]), "default_fallback_box_id")

    @post_load
    def _one_default_fallback(self, data, **_):
        return one_fallback(data, "default_fallback_box_id", "default_fallback_number")
