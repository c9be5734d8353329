"""Helpers every API blueprint shares: request bodies, rights, error bodies, CSV, searched and paged lists."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Response, abort, g, jsonify, request
from marshmallow import EXCLUDE, ValidationError
from sqlalchemy import Select

from pbx.exports import write_csv
from pbx.extensions import db
from pbx.listing import Paging, Search
from pbx.messages import Message, codes, language_of, worded
from schemas import field_words
from schemas.fields import ParametersInvalid
from schemas.listing import ListQuery


def body() -> dict:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


def error_json(message: Message | str, fields: dict | None = None, **extra) -> Response:
    """An error for people and for clients: ``error`` in the request's language (the panel sends its own;
    API clients get English) with its ``code`` and ``params``; field errors (marshmallow's structure)
    worded under ``fields``, their codes under ``field_codes``, nested ones also as ``field_text``."""
    language = language_of(request.accept_languages)
    if not isinstance(message, Message):  # a text not ours (a library's) goes out as it is
        message = Message("text.as_given", text=str(message))
    body = {"error": worded(message, language), **message.as_json(), **extra}
    if fields is not None:
        body.update(fields=worded(fields, language), field_codes=codes(fields))
        nested = field_words.readable(body["fields"], language == "pl")
        if nested:  # for people: list items counted from 1, sub-fields by their labels
            body["field_text"] = nested
    return jsonify(body)


def require_level(level: int, why: Message) -> None:
    if g.user.admin_level < level:
        abort(403, why)


def csv_response(header: list[str], rows, filename: str) -> Response:
    return Response(write_csv(header, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


def loaded_query(schema, given=None, **options) -> dict:
    """The query string (or ``given``, taken from it) loaded by ``schema``: a bad parameter is a 400
    naming it, where a bad body is a 422."""
    try:
        return schema.load(request.args if given is None else given, **options)
    except ValidationError as error:
        raise ParametersInvalid(error.messages) from None


def list_query() -> tuple[Search | None, Paging]:
    """The list's ?q=, ?page= and ?per_page=; a bad one is a 400 naming it."""
    wanted = loaded_query(ListQuery(), unknown=EXCLUDE)
    return (Search(wanted["q"]) if wanted.get("q") else None), Paging(wanted["page"], wanted.get("per_page"))


def paged_json(rows: list, total: int) -> Response:
    """One page of a list; X-Total-Count says how many rows the whole search found."""
    response = jsonify(rows)
    response.headers["X-Total-Count"] = str(total)
    return response


def listed(query: Select, words: Callable[[object], Iterable[str | None]], to_json: Callable) -> Response:
    """The company's rows of ``query`` that ?q= finds in ``words(row)``, the page asked for, as JSON.

    The parameters are read before the query runs: a 400 must not leave a started, unread result
    behind. Its cursor lives on with the error's traceback until garbage collection, and on SQLite
    its open statement keeps a read lock on the connection even once back in the pool, so another
    connection's writes fail with "database is locked".
    """
    search, paging = list_query()
    rows = db.session.scalars(query).all()
    found = [row for row in rows if search is None or search.matches(*words(row))]
    return paged_json([to_json(row) for row in paging.slice(found)], len(found))
