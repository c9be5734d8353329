"""Input schema of a post-call survey: every problem is reported at its field at once."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from pbx import models
from pbx.messages import Message
from schemas.base import TenantSchema
from schemas.fields import Name

MAX_QUESTIONS = 5


class QuestionInput(Schema):
    prompt = fields.Integer(strict=True, required=True)  # an announcement of the company
    keys = fields.String(load_default="12345")
    repeat = fields.Integer(strict=True, load_default=2, validate=validate.Range(min=1, max=5))
    label = Name(load_default="", min_length=0)  # the question's name in the report

    @validates("keys")
    def _digits_once(self, value, **_):
        # Digits only: `#` ends the input and `*` would need escaping in the answer's regex.
        if not value or not value.isdigit() or not value.isascii() or len(set(value)) != len(value):
            raise ValidationError(Message("survey.keys"))


class SurveyInput(TenantSchema):
    name = Name(required=True)
    questions = fields.List(fields.Nested(QuestionInput), required=True)
    timeout_seconds = fields.Integer(strict=True, load_default=5, validate=validate.Range(min=1, max=30))
    comment_prompt_id = fields.Integer(strict=True, load_default=None, allow_none=True)
    comment_seconds = fields.Integer(strict=True, load_default=60, validate=validate.Range(min=5, max=300))
    thanks_prompt_id = fields.Integer(strict=True, load_default=None, allow_none=True)

    @validates("questions")
    def _how_many(self, value, **_):
        if not 1 <= len(value) <= MAX_QUESTIONS:
            raise ValidationError(Message("survey.questions"))

    @validates_schema
    def _own_prompts(self, data, **_):
        for number, question in enumerate(data.get("questions") or (), start=1):
            self.owned_ids(models.Announcement, [question["prompt"]], f"questions.{number - 1}.prompt")
        for name in ("comment_prompt_id", "thanks_prompt_id"):
            if data.get(name) is not None:
                self.owned_ids(models.Announcement, [data[name]], name)
