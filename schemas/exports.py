"""What an export of call records may be asked for: its filters, its format, and a schedule."""
from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema

from pbx import models
from pbx.messages import Message
from schemas.base import TenantSchema
from schemas.fields import Day, Name

FORMATS = ("csv", "csv-excel", "xlsx")
DIRECTIONS = ("in", "out", "internal")
FREQUENCIES = ("daily", "weekly", "monthly")
LANGUAGES = ("pl", "en")
MAX_RECIPIENTS = 20


class CallFilters(TenantSchema):
    """The calls an export holds: days in the company's zone (inclusive) and who or what they concern."""

    main_number = fields.Integer(load_default=None, metadata={"description": "id of a main number of the company"})
    user = fields.Integer(load_default=None,
                          metadata={"description": "id of a user: calls they answered or that rang them"})
    group = fields.Integer(load_default=None,
                           metadata={"description": "id of a group: calls answered by or ringing its members"})
    direction = fields.String(load_default=None, validate=validate.OneOf(DIRECTIONS))
    answered = fields.Boolean(load_default=None, metadata={"description": "true: answered calls only; false: missed"})

    @validates_schema(skip_on_field_errors=False)  # every bad field named at once
    def _owned(self, data, **kwargs):
        for field, model in (("main_number", models.MainNumber), ("user", models.User), ("group", models.Group)):
            if data.get(field) is not None:
                self.owned_ids(model, [data[field]], field)


class ExportQuery(CallFilters):
    """A download or a background export: the filters, the period and the file's format."""

    class Meta:
        unknown = EXCLUDE  # a query string may carry more (the panel's cache busters)

    from_ = Day(data_key="from", attribute="from", load_default=None,
                metadata={"description": "first day, 2026-12-31 or 31.12.2026"})
    to = Day(load_default=None, metadata={"description": "last day, inclusive"})
    format = fields.String(load_default="csv", validate=validate.OneOf(FORMATS),
                           metadata={"description": "csv (plain), csv-excel (Polish Excel) or xlsx"})
    lang = fields.String(load_default=None, validate=validate.OneOf(LANGUAGES),
                         metadata={"description": "the words of an xlsx file; the company's language if not given"})

    @validates_schema
    def _period(self, data, **kwargs):
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            raise ValidationError(Message("export.last_day_first"), "to")


class UserExportQuery(Schema):
    """The users' export: plain CSV or CSV for Polish Excel."""

    class Meta:
        unknown = EXCLUDE

    format = fields.String(load_default="csv", validate=validate.OneOf(FORMATS[:2]),
                           metadata={"description": "csv (plain) or csv-excel (Polish Excel)"})


class ExportScheduleInput(CallFilters):
    """A scheduled export: every past day, week (Monday to Sunday) or month e-mailed to finance."""

    class Meta:
        unknown = RAISE

    name = Name(required=True)
    frequency = fields.String(required=True, validate=validate.OneOf(FREQUENCIES))
    format = fields.String(load_default="xlsx", validate=validate.OneOf(FORMATS))
    recipients = fields.List(fields.Email(), required=True,
                             validate=validate.Length(min=1, max=MAX_RECIPIENTS),
                             metadata={"description": "the finance e-mail addresses"})
