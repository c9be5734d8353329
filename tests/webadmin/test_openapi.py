"""The OpenAPI 3 document at /api/openapi.json describes every route of the API."""
from __future__ import annotations

import re

from flask import current_app
from openapi_spec_validator import validate

FLASK_PART = re.compile(r"<(?:\w+:)?(\w+)>")


def _routes():
    """(path in OpenAPI form, method) of every /api route the app serves."""
    return {(FLASK_PART.sub(r"{\1}", rule.rule), method.lower())
            for rule in current_app.url_map.iter_rules() if rule.rule.startswith("/api/")
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_api_route_is_documented_with_a_summary(as_viewer):
    document = as_viewer.get("/api/openapi.json").get_json()
    validate(document)  # a valid OpenAPI 3 document
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert documented == _routes()
    missing = sorted(f"{method.upper()} {path}" for path, item in document["paths"].items()
                     for method, operation in item.items() if not operation["summary"])
    assert not missing, f"describe these views in their docstrings: {missing}"


def test_bodies_come_from_the_marshmallow_schemas(as_viewer):
    document = as_viewer.get("/api/openapi.json").get_json()
    def body(path, method):
        return document["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body("/api/users", "post") == "#/components/schemas/UserInput"
    assert body("/api/users/{user_id}", "patch") == "#/components/schemas/UserInputChanges"
    schemas = document["components"]["schemas"]
    assert {"first_name", "last_name", "email"} <= set(schemas["UserInput"]["required"])
    assert "required" not in schemas["UserInputChanges"]  # a change sends only some fields
    assert schemas["UserInput"]["properties"]["first_name"]["maxLength"] == 60
    assert body("/api/main-numbers/{number_id}/scenario/draft", "put") == "#/components/schemas/ScenarioDocument"
    assert {"Node_menu", "Node_schedule", "Node_forward"} <= set(schemas)


def test_who_may_call_each_route(as_viewer):
    paths = as_viewer.get("/api/openapi.json").get_json()["paths"]
    assert paths["/api/auth/code"]["post"]["security"] == []  # before signing in
    assert paths["/api/users"]["get"]["x-admin-level"] == "1 (viewer)"
    assert paths["/api/users"]["post"]["x-admin-level"] == "2 (editor)"
    assert paths["/api/company"]["patch"]["x-admin-level"] == "3 (owner)"
    transfer = paths["/api/reception/calls/{uuid}/transfer"]["post"]
    assert (transfer["x-admin-level"], transfer["x-receptionist"]) == (
        "0 (signed in, admin or not)", "only users with the receptionist right")


def test_the_document_needs_sign_in(client, demo):
    assert client.get("/api/openapi.json").status_code == 401
