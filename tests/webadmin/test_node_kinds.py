"""GET /api/node-kinds: every registered kind with field specs read from its schema."""
from __future__ import annotations

from marshmallow import missing, validate

from pbx.nodes import registry


def _fields(kinds, kind):
    return {f["name"]: f for f in kinds[kind]["fields"]}


def test_every_registered_kind_is_listed(as_viewer):
    kinds = as_viewer.get("/api/node-kinds").get_json()
    assert set(kinds) == set(registry())


def test_menu_specs_carry_defaults_ranges_and_keys(as_viewer):
    kinds = as_viewer.get("/api/node-kinds").get_json()
    menu = _fields(kinds, "menu")
    assert menu["repeat"] == {"name": "repeat", "type": "integer", "required": False, "nullable": False,
                              "label": "repeat", "min": 1, "max": 5, "default": 2}
    assert menu["prompt"]["type"] == "ref" and menu["prompt"]["ref"] == "announcement"
    assert menu["prompt"]["required"] is True
    assert menu["invalid_prompt"]["nullable"] is True and menu["invalid_prompt"]["default"] is None
    assert kinds["menu"]["keyed"] == {"field": "options", "keys": list("1234567890*#")}
    assert "options" not in menu  # a menu's options hang children: the tree edits them, not the form


def test_forward_and_schedule_specs(as_viewer):
    kinds = as_viewer.get("/api/node-kinds").get_json()
    forward = _fields(kinds, "forward")
    assert (forward["ring_seconds"]["min"], forward["ring_seconds"]["max"], forward["ring_seconds"]["default"]) \
        == (5, 300, 30)
    assert forward["target"]["one_of"] is True
    assert [f["name"] for f in forward["target"]["fields"]] == ["user", "group", "number"]
    assert forward["queue"]["fields"][0]["min"] == 10 and forward["queue"]["nullable"] is True
    schedule = _fields(kinds, "schedule")
    assert schedule["week"]["keys"]["choices"] == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert schedule["holidays"]["choices"] == ["pl"]
    assert kinds["schedule"]["template"]["holidays"] == "pl"
    assert _fields(kinds, "goto")["target"]["type"] == "node"


def test_specs_match_every_schema_field(as_viewer):
    kinds = as_viewer.get("/api/node-kinds").get_json()
    for name, kind in registry().items():
        schema = kind.schema()
        specs = _fields(kinds, name)
        expected = set(schema.fields) - {"id", "kind", kind.keyed_branches}
        assert set(specs) == expected, name
        for field_name, field in schema.fields.items():
            if field_name not in specs:
                continue
            spec = specs[field_name]
            assert spec["required"] is field.required, (name, field_name)
            if field.load_default is not missing and not callable(field.load_default):
                assert spec["default"] == field.load_default, (name, field_name)
            for rule in field.validators:
                if isinstance(rule, validate.Range):
                    assert (spec.get("min"), spec.get("max")) == (rule.min, rule.max), (name, field_name)


def test_signed_out_gets_no_specs(client):
    assert client.get("/api/node-kinds").status_code == 401


def test_the_panel_app_loads_the_node_kinds_before_its_first_request(monkeypatch, tmp_path):
    """Loaded lazily, two request threads at once could hand one a registry missing the last kinds."""
    from pbx import nodes
    from pbx.app import create_app

    monkeypatch.setattr(nodes, "_loaded", False)
    create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}", "SECRET_KEY": "x",
                "TASK_QUEUE_URL": "memory"})
    assert nodes._loaded
