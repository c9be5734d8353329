"""The shape of a scenario document as stored in a draft: loose enough to keep work in progress."""
from __future__ import annotations

from marshmallow import INCLUDE, Schema, ValidationError, fields, validates

from pbx.messages import Message
from schemas.fields import Name

MAX_DRAFT_BYTES = 512 * 1024


class NodeShape(Schema):
    """Only what every node needs to be found and named; the rest is checked when publishing."""

    class Meta:
        unknown = INCLUDE

    id = fields.String(required=True)
    kind = fields.String(required=True)


class ScenarioDocument(Schema):
    name = Name(load_default="", min_length=0)
    root = fields.Nested(NodeShape, required=True)
    note = fields.String(load_default="")

    @validates("root")
    def _size(self, value, **_):
        import json

        if len(json.dumps(value)) > MAX_DRAFT_BYTES:
            raise ValidationError(Message("scenario.too_large", kib=MAX_DRAFT_BYTES // 1024))
