"""REST API of the scenario of each main number: draft, check, publish, versions, diff, rollback.

Versioning itself lives in ``pbx.scenarios``; this blueprint only maps it onto HTTP.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, jsonify, request

from pbx import models, scenarios, usages
from pbx.compiler import ScenarioInvalid
from pbx.extensions import db
from pbx.messages import Message, in_language, language_of
from pbx.nodes import registry
from pbx.nodes.specs import kind_spec
from pbx.representations import check_json, problems_json, scenario_json, stamp, version_json
from pbx.tenancy import get_owned, scoped, storable_id
from schemas.scenario import ScenarioDocument

from webadmin.auth import signed_in
from webadmin.common import body, error_json
from webadmin.openapi import accepts

bp = Blueprint("scenarios", __name__, url_prefix="/api")


@bp.errorhandler(ScenarioInvalid)
def _invalid(error: ScenarioInvalid):
    db.session.rollback()
    return error_json(Message("scenario.has_errors"), fields=_by_node(error.errors),
                      problems=problems_json(error.errors, _text)), 422


def _text(message: Message) -> str:
    """A checker's message in the request's language (see webadmin.common.error_json)."""
    return in_language(message, _language())


def _language() -> str:
    return language_of(request.accept_languages)


def _by_node(found) -> dict[str, list[Message]]:
    grouped: dict[str, list[Message]] = {}
    for problem in found:
        grouped.setdefault(problem.node_id, []).append(problem.message)
    return grouped


def _scenario(number_id: int, *, create: bool = False) -> models.Scenario:
    number = get_owned(models.MainNumber, g.tenant.id, number_id)
    return scenarios.scenario_for(g.tenant, number, create=create)


def _version_json(v: models.ScenarioVersion, live_id: int | None) -> dict:
    return version_json(v, live_id, _text, polish=_language() == "pl")


def check(scenario: models.Scenario, tree: dict) -> dict:
    return check_json(scenarios.check(g.tenant, scenario, tree, current_app.config), _text)


@bp.get("/node-kinds")
@signed_in()
def node_kinds():
    """Every node kind with its branches and field specs from its schema: the editor builds its forms from them."""
    return jsonify({name: kind_spec(kind) for name, kind in sorted(registry().items())})


@bp.get("/main-numbers/<int:number_id>/scenario")
@signed_in()
def get_scenario(number_id):
    """A main number's scenario: its draft with the draft's check, and its versions newest first."""
    return jsonify(scenario_json(g.tenant, get_owned(models.MainNumber, g.tenant.id, number_id), current_app.config,
                                 _text, polish=_language() == "pl"))


@bp.put("/main-numbers/<int:number_id>/scenario/draft")
@signed_in(2)
@accepts(ScenarioDocument)
def save_draft(number_id):
    """Save the draft; it may be unfinished, only its shape is checked."""
    scenario = scenarios.save_draft(_scenario(number_id, create=True), body())
    db.session.commit()
    return jsonify(draft=scenario.draft, draft_updated_at=stamp(scenario.draft_updated_at),
                   check=check(scenario, scenario.draft))


@bp.post("/main-numbers/<int:number_id>/scenario/check")
@signed_in()
@accepts(ScenarioDocument)
def check_tree(number_id):
    """Check the posted tree (unsaved edits) or, without a body, the saved draft."""
    number = get_owned(models.MainNumber, g.tenant.id, number_id)
    # a new number's first tree is checked before its first save creates the scenario (never stored here)
    scenario = number.scenario or models.Scenario(tenant_id=g.tenant.id, main_number_id=number.id)
    tree = body() or scenario.draft
    if not tree:
        abort(404, Message("scenario.no_draft"))
    return jsonify(check(scenario, tree))


@bp.post("/main-numbers/<int:number_id>/scenario/publish")
@signed_in(2)
def publish(number_id):
    """Compile the draft into a new live version ({"note"}); refused with the errors when it has any."""
    note = body().get("note", "")
    version = scenarios.publish(_scenario(number_id), current_app.config, note=note if isinstance(note, str) else "")
    db.session.commit()
    return jsonify(_version_json(version, version.id)), 201


@bp.get("/main-numbers/<int:number_id>/scenario/versions/<int:number>")
@signed_in()
def get_version(number_id, number):
    """One published version with its tree."""
    version = scenarios.version(_scenario(number_id), number)
    return jsonify({**_version_json(version, version.scenario.published_version_id), "tree": version.tree})


@bp.post("/main-numbers/<int:number_id>/scenario/rollback")
@signed_in(2)
def rollback(number_id):
    """Make version {"version"}'s tree live again as a new version, and the draft."""
    number = body().get("version")
    if not isinstance(number, int):
        abort(422, Message("scenario.rollback_version"))
    scenario = _scenario(number_id)
    version = scenarios.rollback(scenario, number, current_app.config)
    db.session.commit()
    return jsonify({**_version_json(version, version.id), "draft": scenario.draft,
                    "draft_updated_at": stamp(scenario.draft_updated_at), "check": check(scenario, scenario.draft)}), 201


def _tree(scenario: models.Scenario, ref: str) -> dict:
    if ref == "draft":
        if scenario.draft is None:
            abort(404, Message("scenario.no_draft"))
        return scenario.draft
    if not (ref.isascii() and ref.isdigit()):
        abort(422, Message("scenario.diff_refs"))
    return scenarios.version(scenario, int(ref)).tree


@bp.get("/main-numbers/<int:number_id>/scenario/diff")
@signed_in()
def diff(number_id):
    """What changed between ?from= and ?to= (version numbers or draft), in words."""
    scenario = _scenario(number_id)
    old, new = request.args.get("from", ""), request.args.get("to", "draft")
    lines = scenarios.diff(_tree(scenario, old), _tree(scenario, new), names=_object_name)
    return jsonify(lines=[_text(line) for line in lines], codes=[line.as_json() for line in lines])


def _object_name(kind: str, obj_id: int) -> str | None:
    """The name of the company's user, group, announcement, box or list a node refers to."""
    model = usages.model_of(kind)
    obj = db.session.scalar(scoped(model, g.tenant.id).where(model.id == obj_id)) if storable_id(obj_id) else None
    return None if obj is None else obj.full_name if isinstance(obj, models.User) else obj.name
