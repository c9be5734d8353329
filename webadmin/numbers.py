"""REST API of main numbers and of number lists (blacklists and VIP lists)."""
from __future__ import annotations

from flask import Blueprint, abort, g, jsonify
from marshmallow import ValidationError

from pbx import directory, models
from pbx.extensions import db
from pbx.tenancy import get_owned, scoped
from schemas.directory import MainNumberInput, NumberListInput

from webadmin.auth import signed_in
from webadmin.common import body, stamp

bp = Blueprint("numbers", __name__, url_prefix="/api")


def main_number_json(n: models.MainNumber) -> dict:
    scenario = n.scenario
    published = scenario.published_version if scenario else None
    return {
        "id": n.id, "number": n.number, "is_primary": n.is_primary, "label": n.label,
        "target_user_id": n.target_user_id, "target_group_id": n.target_group_id,
        "scenario": None if scenario is None else {
            "id": scenario.id, "name": scenario.name, "has_draft": scenario.draft is not None,
            "draft_updated_at": stamp(scenario.draft_updated_at),
            "published_version": published.number if published else None,
        },
    }


def number_list_json(lst: models.NumberList) -> dict:
    return {"id": lst.id, "name": lst.name, "kind": lst.kind.value, "patterns": list(lst.patterns or [])}


@bp.get("/main-numbers")
@signed_in()
def list_main_numbers():
    numbers = db.session.scalars(scoped(models.MainNumber, g.tenant.id).order_by(models.MainNumber.id))
    return jsonify([main_number_json(n) for n in numbers])


@bp.get("/main-numbers/<int:number_id>")
@signed_in()
def get_main_number(number_id):
    return jsonify(main_number_json(get_owned(models.MainNumber, g.tenant.id, number_id)))


@bp.post("/main-numbers")
@signed_in(2)
def create_main_number():
    number = directory.add_main_number(g.tenant, body())
    db.session.commit()
    return jsonify(main_number_json(number)), 201


@bp.patch("/main-numbers/<int:number_id>")
@signed_in(2)
def update_main_number(number_id):
    number = get_owned(models.MainNumber, g.tenant.id, number_id)
    values = MainNumberInput(tenant_id=g.tenant.id, instance_id=number.id, partial=True).load(body())
    if values.get("is_primary") is False and number.is_primary:
        raise ValidationError({"is_primary": [
            "a company always has a primary number: make another number primary instead"]})
    if values.get("is_primary"):
        for other in g.tenant.main_numbers:
            other.is_primary = False
    for key, value in values.items():
        setattr(number, key, value)
    db.session.commit()
    return jsonify(main_number_json(number))


@bp.delete("/main-numbers/<int:number_id>")
@signed_in(2)
def delete_main_number(number_id):
    number = get_owned(models.MainNumber, g.tenant.id, number_id)
    if number.is_primary:
        abort(409, "the primary number cannot be deleted: make another number primary first")
    scenario = number.scenario
    if scenario is not None:
        # Versions and the scenario go one by one so the audit log records each of them.
        scenario.published_version_id = None
        db.session.flush()
        for version in scenario.versions:
            db.session.delete(version)
        db.session.delete(scenario)
        db.session.flush()
    db.session.delete(number)
    db.session.commit()
    return "", 204


@bp.get("/number-lists")
@signed_in()
def list_number_lists():
    lists = db.session.scalars(scoped(models.NumberList, g.tenant.id).order_by(models.NumberList.name))
    return jsonify([number_list_json(lst) for lst in lists])


@bp.post("/number-lists")
@signed_in(2)
def create_number_list():
    number_list = directory.add_number_list(g.tenant, body())
    db.session.commit()
    return jsonify(number_list_json(number_list)), 201


@bp.patch("/number-lists/<int:list_id>")
@signed_in(2)
def update_number_list(list_id):
    number_list = get_owned(models.NumberList, g.tenant.id, list_id)
    values = NumberListInput(tenant_id=g.tenant.id, instance_id=number_list.id, partial=True).load(body())
    for key, value in values.items():
        setattr(number_list, key, value)
    db.session.commit()
    return jsonify(number_list_json(number_list))


@bp.delete("/number-lists/<int:list_id>")
@signed_in(2)
def delete_number_list(list_id):
    directory.delete_number_list(g.tenant, list_id)
    db.session.commit()
    return "", 204
