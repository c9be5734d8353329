"""REST API of the scenario of each main number: draft, check, publish, versions, diff, rollback.

Versioning itself lives in ``pbx.scenarios``; this blueprint only maps it onto HTTP.
"""
from __future__ import annotations

from flask import Blueprint, abort, g, jsonify, request

from pbx import models, scenarios
from pbx.company_dialplan import snapshot_of
from pbx.compiler import ScenarioInvalid, compile_tree
from pbx.compiler import lint, parse
from pbx.extensions import db
from pbx.nodes import registry
from pbx.nodes.specs import kind_spec
from pbx.tenancy import get_owned
from schemas import messages_pl

from webadmin.auth import signed_in
from webadmin.common import body, stamp

bp = Blueprint("scenarios", __name__, url_prefix="/api")


@bp.errorhandler(ScenarioInvalid)
def _invalid(error: ScenarioInvalid):
    db.session.rollback()
    return jsonify(error=_text("the scenario has errors"), fields=_by_node(error.errors),
                   problems=_problems(error.errors)), 422


def _text(message: str) -> str:
    """The checker speaks English; the panel in Polish gets the catalogue's text (see pbx.app._error_json)."""
    return messages_pl.translate(message) if messages_pl.prefers_polish() else message


def _problems(found) -> list[dict]:
    return [{"node_id": p.node_id, "message": _text(p.message)} for p in found]


def _by_node(found) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for problem in found:
        grouped.setdefault(problem.node_id, []).append(_text(problem.message))
    return grouped


def _warning(stored: str) -> str:
    """A version's warning is stored as "<node id>: <message>"; node ids hold no colon."""
    node_id, _, message = stored.partition(": ")
    return f"{node_id}: {_text(message)}"


def _scenario(number_id: int, *, create: bool = False) -> models.Scenario:
    number = get_owned(models.MainNumber, g.tenant.id, number_id)
    return scenarios.scenario_for(g.tenant, number, create=create)


def _version_json(v: models.ScenarioVersion, live_id: int | None) -> dict:
    return {"number": v.number, "created_at": stamp(v.created_at), "created_by": v.created_by, "note": v.note,
            "live": v.id == live_id, "warnings": [_warning(w) for w in (v.compiled_meta or {}).get("warnings", [])]}


def check(scenario: models.Scenario, tree: dict) -> dict:
    """Errors that block publishing and lint warnings, each naming its node."""
    snapshot = snapshot_of(g.tenant)
    try:
        compiled = compile_tree(tree, snapshot, scenario_id=scenario.id or 0, version_id=0,
                                main_number_id=scenario.main_number_id)
    except ScenarioInvalid as error:
        try:  # a tree that parses still gets its warnings next to its errors
            warnings = lint.lint(parse.parse(tree), snapshot)
        except ScenarioInvalid:
            warnings = []
        return {"ok": False, "errors": _problems(error.errors), "warnings": _problems(warnings)}
    return {"ok": True, "errors": [], "warnings": _problems(compiled.warnings)}


@bp.get("/node-kinds")
@signed_in()
def node_kinds():
    """Every node kind with its branches and field specs from its schema: the editor builds its forms from them."""
    return jsonify({name: kind_spec(kind) for name, kind in sorted(registry().items())})


@bp.get("/main-numbers/<int:number_id>/scenario")
@signed_in()
def get_scenario(number_id):
    number = get_owned(models.MainNumber, g.tenant.id, number_id)
    scenario = number.scenario
    if scenario is None:
        return jsonify(main_number=number.number, name="", draft=None, versions=[], check=None)
    live = scenario.published_version_id
    draft = scenario.draft
    return jsonify(
        main_number=number.number, name=scenario.name, draft=draft, draft_updated_at=stamp(scenario.draft_updated_at),
        versions=[_version_json(v, live) for v in reversed(scenario.versions)],
        check=check(scenario, draft) if draft else None,
    )


@bp.put("/main-numbers/<int:number_id>/scenario/draft")
@signed_in(2)
def save_draft(number_id):
    scenario = scenarios.save_draft(_scenario(number_id, create=True), body())
    db.session.commit()
    return jsonify(draft=scenario.draft, draft_updated_at=stamp(scenario.draft_updated_at),
                   check=check(scenario, scenario.draft))


@bp.post("/main-numbers/<int:number_id>/scenario/check")
@signed_in()
def check_tree(number_id):
    """Check the posted tree (unsaved edits) or, without a body, the saved draft."""
    scenario = _scenario(number_id)
    tree = body() or scenario.draft
    if not tree:
        abort(404, "the scenario has no draft")
    return jsonify(check(scenario, tree))


@bp.post("/main-numbers/<int:number_id>/scenario/publish")
@signed_in(2)
def publish(number_id):
    note = body().get("note", "")
    version = scenarios.publish(_scenario(number_id), note=note if isinstance(note, str) else "")
    db.session.commit()
    return jsonify(_version_json(version, version.id)), 201


@bp.get("/main-numbers/<int:number_id>/scenario/versions/<int:number>")
@signed_in()
def get_version(number_id, number):
    version = scenarios.version(_scenario(number_id), number)
    return jsonify({**_version_json(version, version.scenario.published_version_id), "tree": version.tree})


@bp.post("/main-numbers/<int:number_id>/scenario/rollback")
@signed_in(2)
def rollback(number_id):
    number = body().get("version")
    if not isinstance(number, int):
        abort(422, "give the version number to roll back to")
    version = scenarios.rollback(_scenario(number_id), number)
    db.session.commit()
    return jsonify(_version_json(version, version.id)), 201


def _tree(scenario: models.Scenario, ref: str) -> dict:
    if ref == "draft":
        if scenario.draft is None:
            abort(404, "the scenario has no draft")
        return scenario.draft
    if not (ref.isascii() and ref.isdigit()):
        abort(422, "compare version numbers or 'draft'")
    return scenarios.version(scenario, int(ref)).tree


@bp.get("/main-numbers/<int:number_id>/scenario/diff")
@signed_in()
def diff(number_id):
    scenario = _scenario(number_id)
    old, new = request.args.get("from", ""), request.args.get("to", "draft")
    return jsonify(lines=[_text(line) for line in scenarios.diff(_tree(scenario, old), _tree(scenario, new))])
