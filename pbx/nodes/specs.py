"""Panel field specs of a node kind, read from its marshmallow schema (one source for forms and checks).

marshmallow has no form description of its own; apispec's JSON schema drops the custom types
(node references, hours) and the panel hints the forms need, so this reads the fields directly.
"""
from __future__ import annotations

from marshmallow import fields, missing, validate

from pbx.nodes.base import NodeId, NodeKind, RefId

STRUCTURAL = ("id", "kind")  # every node has them; the tree, not the form, sets them
# Panel hints a schema field may carry in its metadata (initial: the value offered when none is set).
HINTS = ("summary", "unit", "one_of", "prefer", "key_label", "initial")


def _type(field) -> str:
    if getattr(field, "spec_type", None):
        return field.spec_type
    for cls, name in ((RefId, "ref"), (NodeId, "node"), (fields.Integer, "integer"), (fields.Boolean, "boolean"),
                      (fields.Nested, "object"), (fields.Dict, "map"), (fields.List, "list"),
                      (fields.String, "string")):
        if isinstance(field, cls):
            return name
    return "any"


def _limits(field) -> dict:
    found = {}
    for validator in field.validators:
        if isinstance(validator, validate.Range):
            found.update({k: v for k, v in (("min", validator.min), ("max", validator.max)) if v is not None})
        elif isinstance(validator, validate.OneOf):
            found["choices"] = list(validator.choices)
        elif isinstance(validator, validate.Length) and validator.max is not None:
            found["max_length"] = validator.max
    if getattr(field, "choices", None):
        found["choices"] = list(field.choices)
    return found


def field_spec(name: str, field) -> dict:
    spec = {"name": name, "type": _type(field), "required": field.required, "nullable": field.allow_none,
            "label": name, **_limits(field), **{k: field.metadata[k] for k in HINTS if k in field.metadata}}
    default = field.load_default
    if default is not missing:
        spec["default"] = default() if callable(default) else default
    if isinstance(field, RefId):
        spec["ref"] = field.ref
    if isinstance(field, fields.Nested):
        spec["fields"] = schema_specs(field.schema)
    elif isinstance(field, fields.Dict):
        spec["keys"] = field_spec("key", field.key_field) if field.key_field else None
        spec["values"] = field_spec("value", field.value_field) if field.value_field else None
    elif isinstance(field, fields.List):
        spec["items"] = field_spec("item", field.inner)
    return spec


def schema_specs(schema) -> list[dict]:
    return [field_spec(name, field) for name, field in schema.fields.items() if name not in STRUCTURAL]


def kind_spec(kind: NodeKind) -> dict:
    """What the panel needs to edit a node of this kind: its fields, branches and a new node's values."""
    schema = kind.schema()
    specs = [s for s in schema_specs(schema) if s["name"] != kind.keyed_branches]
    keyed = schema.fields.get(kind.keyed_branches) if kind.keyed_branches else None
    return {"branches": list(kind.branch_names), "required": list(kind.required_branches),
            "keyed": {"field": kind.keyed_branches, "keys": _limits(keyed.key_field).get("choices", [])}
            if keyed is not None else None,
            "fields": specs, "template": kind.template}
