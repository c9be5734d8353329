"""Input schema of a company's own settings, as its owner changes them in the panel."""
from __future__ import annotations

from marshmallow import fields, validate

from schemas.directory import TenantInput
from schemas.fields import PhoneNumber


class OptionalPhoneNumber(PhoneNumber):
    """A phone number, or an empty field meaning none."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and not value.strip():
            return None
        return super()._deserialize(value, attr, data, **kwargs)


class CompanyInput(TenantInput):
    """The rules of a new company's settings; loaded with partial=True, any subset may change."""

    # Strict: 30.5 days is refused instead of being cut to 30.
    retention_days = fields.Integer(strict=True, validate=validate.Range(min=1, max=3650))
    # Clearing the field in the panel removes the fallback number.
    fallback_number = OptionalPhoneNumber(allow_none=True)
