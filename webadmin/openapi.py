"""The REST API as an OpenAPI 3 document, built from the app's routes and the marshmallow input schemas.

A view's docstring is its summary (first line) and description; ``@accepts(Schema)`` names the
schema its JSON body is loaded with; ``signed_in`` tells the admin level a route needs. The panel's
page #/api renders the document.
"""
from __future__ import annotations

import re
from importlib import metadata

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, current_app, jsonify
from marshmallow import Schema

from pbx.nodes import registry
from schemas.listing import ListQuery
from webadmin import sessions
from webadmin.auth import signed_in

bp = Blueprint("openapi", __name__, url_prefix="/api")
PATH_PART = re.compile(r"<(?:(\w+):)?(\w+)>")
LEVELS = {0: "signed in, admin or not", 1: "viewer", 2: "editor", 3: "owner"}
CODED = {"type": "object", "required": ["code", "params"], "properties": {
    "code": {"type": "string", "description": "the message's stable code (pbx/messages/en.py lists them)"},
    "params": {"type": "object", "description": "its values; a value that is a message nests as {code, params}"}}}
ERROR = {"type": "object", "required": ["error", "code", "params"], "properties": {
    "error": {"type": "string", "description": "what went wrong, in the language the request asks for"},
    **CODED["properties"],
    "fields": {"type": "object", "description": "field (or node id) → its problems",
               "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    "field_codes": {"type": "object", "description": "the same structure as fields, each problem by code",
                    "additionalProperties": {"type": "array", "items": CODED}}}}


def accepts(schema: type[Schema], *, partial: bool = False):
    """Document the JSON body a view loads with ``schema`` (``partial``: only the fields sent)."""
    def mark(view):
        view.openapi_body = schema(partial=True) if partial else schema
        return view
    return mark


def queries(schema: type[Schema]):
    """Document the query-string parameters a view loads with ``schema``."""
    def mark(view):
        view.openapi_query = schema
        return view
    return mark


def searchable(view):
    """Document a list's ?q=, ?page= and ?per_page= (webadmin.common.listed reads them)."""
    view.openapi_paged = True
    return queries(ListQuery)(view)


@bp.get("/openapi.json")
@signed_in()
def openapi_document():
    """This document: every route of the API in OpenAPI 3."""
    if "openapi" not in current_app.extensions:
        current_app.extensions["openapi"] = document(current_app)
    return jsonify(current_app.extensions["openapi"])


def _schema_name(schema) -> str:
    if isinstance(schema, type):
        return schema.__name__
    return type(schema).__name__ + ("Changes" if schema.partial else "")


def document(app: Flask) -> dict:
    spec = APISpec(title="Centralka", version=metadata.version("centralka"), openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin(schema_name_resolver=_schema_name)],
                   info={"description": "The REST API of the panel. Sign in with a one-time code (a session "
                                        "cookie; changes then carry the X-CSRF-Token header) or send an API "
                                        "token as Authorization: Bearer."},
                   security=[{"session": []}, {"token": []}])
    spec.components.security_scheme("session", {"type": "apiKey", "in": "cookie", "name": sessions.COOKIE})
    spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", ERROR)
    for name, kind in sorted(registry().items()):
        spec.components.schema(f"Node_{name}", schema=kind.schema)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.rule.startswith("/api/"):
            view = app.view_functions[rule.endpoint]
            operation = _operation(rule, view)
            spec.path(path=PATH_PART.sub(r"{\2}", rule.rule),
                      operations={method.lower(): operation for method in rule.methods - {"HEAD", "OPTIONS"}})
    return spec.to_dict()


def _operation(rule, view) -> dict:
    summary, _, description = (view.__doc__ or "").strip().partition("\n")
    level = getattr(view, "admin_level", None)
    operation = {
        "operationId": rule.endpoint, "tags": [rule.endpoint.split(".")[0]], "summary": summary,
        "parameters": [{"name": name, "in": "path", "required": True,
                        "schema": {"type": "integer" if converter == "int" else "string"}}
                       for converter, name in PATH_PART.findall(rule.rule)],
        "responses": {"2XX": {"description": "done"},
                      "4XX": {"description": "refused, with the reason",
                              "content": {"application/json": {"schema": "Error"}}}},
    }
    if description.strip():
        operation["description"] = " ".join(description.split())
    if level is None:
        operation["security"] = []
    else:
        operation["x-admin-level"] = f"{level} ({LEVELS[level]})"
        if getattr(view, "receptionist", False):
            operation["x-receptionist"] = "only users with the receptionist right"
    if hasattr(view, "openapi_query"):
        operation["parameters"].append({"in": "query", "schema": view.openapi_query})
    if getattr(view, "openapi_paged", False):
        operation["responses"]["2XX"]["headers"] = {"X-Total-Count": {
            "description": "how many rows the search found on every page", "schema": {"type": "integer"}}}
    body = getattr(view, "openapi_body", None)
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return operation
