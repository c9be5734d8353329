"""Input schemas of the company's contacts (address book): every problem reported per field at once."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from pbx.messages import Message
from schemas.base import TenantSchema
from schemas.fields import FreeText, Name, PhoneNumber

MAX_NUMBERS = 10
MAX_GROUPS = 20


class ContactNumberInput(Schema):
    label = Name(load_default="", min_length=0, max_length=40)
    number = PhoneNumber(required=True)


class ContactInput(TenantSchema):
    name = Name(required=True)
    company = Name(load_default="", min_length=0)
    numbers = fields.List(fields.Nested(ContactNumberInput), load_default=list,
                          validate=validate.Length(max=MAX_NUMBERS))
    groups = fields.List(Name(max_length=40), load_default=list, validate=validate.Length(max=MAX_GROUPS))
    note = FreeText(load_default="", max_length=2000)

    @validates_schema
    def _numbers_once(self, data, **_):
        numbers = [n["number"] for n in data.get("numbers", [])]
        if len(numbers) != len(set(numbers)):
            raise ValidationError(Message("contact.number_twice"), "numbers")

    @post_load
    def _groups_once(self, data, **_):
        if "groups" in data:  # "VIP" and "vip " are one group, kept as first typed
            seen, kept = set(), []
            for group in data["groups"]:
                if group.casefold() not in seen:
                    seen.add(group.casefold())
                    kept.append(group)
            data["groups"] = kept
        return data


class ContactExportQuery(Schema):
    format = fields.String(load_default="csv", validate=validate.OneOf(["csv", "csv-excel", "vcard"]))
