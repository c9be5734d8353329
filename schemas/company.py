"""Input schema of a company's own settings, as its owner changes them in the panel."""
from __future__ import annotations

from marshmallow import ValidationError, fields, post_load, validate, validates_schema
from sqlalchemy import select

from pbx import models
from pbx.extensions import db
from pbx.tenancy import missing, storable_id
from schemas.directory import TenantInput, one_fallback
from schemas.fields import OptionalPhoneNumber


class CompanyInput(TenantInput):
    """The rules of a new company's settings; loaded with partial=True, any subset may change."""

    # Strict: 30.5 days is refused instead of being cut to 30.
    retention_days = fields.Integer(strict=True, validate=validate.Range(min=1, max=3650))
    # Clearing the field in the panel removes the fallback number.
    fallback_number = OptionalPhoneNumber(allow_none=True)
    # Where unanswered calls go when nothing more specific is set (a group's, a main number's fallback).
    default_fallback_box_id = fields.Integer(allow_none=True)
    default_fallback_number = OptionalPhoneNumber(allow_none=True)

    @validates_schema
    def _default_fallback(self, data, **_):
        box = data.get("default_fallback_box_id")
        if box and (not storable_id(box) or self.instance_id != db.session.scalar(
                select(models.VoicemailBox.tenant_id).where(models.VoicemailBox.id == box))):
            raise ValidationError(missing("VoicemailBox", [box]), "default_fallback_box_id")

    @post_load
    def _one_default_fallback(self, data, **_):
        return one_fallback(data, "default_fallback_box_id", "default_fallback_number")
