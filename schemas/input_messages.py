"""Codes for marshmallow's own messages (required, null, types, length, range, choices).

marshmallow words these in English at the field and validator classes; each gets a ``Message``
with a code instead, so every language words them from its catalogue. marshmallow formats a
template with the failing value's facts (``{min}``, ``{choices}``), which ``Message.format`` keeps
as parameters. Set once on the classes, as no option of marshmallow sets them for every field.
"""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from pbx.messages import Message

_FIELDS = {
    fields.Field: {"required": "input.required", "null": "input.null", "validator_failed": "input.invalid"},
    fields.Nested: {"type": "input.wrong_type"},
    fields.List: {"invalid": "input.not_list"},
    fields.String: {"invalid": "input.not_text", "invalid_utf8": "input.not_utf8"},
    fields.Number: {"invalid": "input.not_number", "too_large": "input.too_large"},
    fields.Integer: {"invalid": "input.not_integer"},
    fields.Boolean: {"invalid": "input.not_boolean"},
    fields.Mapping: {"invalid": "input.not_mapping"},
    fields.Email: {"invalid": "input.not_email"},
}
_VALIDATORS = {
    validate.Length: {"message_min": "input.length_min", "message_max": "input.length_max",
                      "message_all": "input.length_between", "message_equal": "input.length_equal"},
    # Range words its bounds in two steps: the comparisons first, then the numbers
    validate.Range: {"message_min": "input.range_min", "message_max": "input.range_max",
                     "message_gte": "input.at_least", "message_gt": "input.more_than", "message_lte": "input.at_most",
                     "message_lt": "input.less_than"},
    validate.OneOf: {"default_message": "input.one_of"},
}


class _Between(Message):
    """Range's message for two bounds: "from 1 to 3650" when both are allowed values, as most ranges are."""

    def format(self, *args, **params) -> Message:
        inclusive = (params.get("min_op"), params.get("max_op")) == (Message("input.at_least"), Message("input.at_most"))
        return Message("input.range_from_to") if inclusive else Message("input.range_between", **params)


def give_codes() -> None:
    for field, codes in _FIELDS.items():
        field.default_error_messages = {key: Message(code) for key, code in codes.items()}
    Schema._default_error_messages = {"type": Message("input.not_object"), "unknown": Message("input.unknown_field")}
    for validator, codes in _VALIDATORS.items():
        for attribute, code in codes.items():
            setattr(validator, attribute, Message(code))
    validate.Range.message_all = _Between("input.range_between")
