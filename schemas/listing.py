"""The query of a list: ``?q=`` searches, ``?page=`` and ``?per_page=`` page it."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from schemas.fields import clean_text

MAX_PER_PAGE = 200


class SearchText(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        return clean_text(super()._deserialize(value, attr, data, **kwargs))


class ListQuery(Schema):
    """?q= name, number or e-mail (any case, with or without Polish letters); ?page= from 1; ?per_page= rows."""

    q = SearchText(validate=validate.Length(max=100), metadata={"description": "name, number or e-mail to find"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000),
                          metadata={"description": "the page, from 1"})
    per_page = fields.Integer(validate=validate.Range(min=1, max=MAX_PER_PAGE),
                              metadata={"description": f"rows a page, 1 to {MAX_PER_PAGE}; without it every row"})
