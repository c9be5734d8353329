"""REST API of main numbers and of number lists (blacklists and VIP lists)."""
from __future__ import annotations

from flask import Blueprint, g, jsonify

from pbx import directory, models
from pbx.extensions import db
from pbx.representations import main_number_json, number_list_json
from pbx.tenancy import get_owned, scoped
from schemas.directory import MainNumberInput, NumberListInput

from webadmin.auth import signed_in
from webadmin.common import body, listed
from webadmin.openapi import accepts, searchable

bp = Blueprint("numbers", __name__, url_prefix="/api")


@bp.get("/main-numbers")
@signed_in()
@searchable
def list_main_numbers():
    """The company's main numbers; ?q= finds a number or its label."""
    numbers = scoped(models.MainNumber, g.tenant.id).order_by(models.MainNumber.id)
    return listed(numbers, lambda n: (n.number, n.label), main_number_json)


@bp.get("/main-numbers/<int:number_id>")
@signed_in()
def get_main_number(number_id):
    """One main number."""
    return jsonify(main_number_json(get_owned(models.MainNumber, g.tenant.id, number_id)))


@bp.post("/main-numbers")
@signed_in(2)
@accepts(MainNumberInput)
def create_main_number():
    """Add a main number."""
    number = directory.add_main_number(g.tenant, body())
    db.session.commit()
    return jsonify(main_number_json(number)), 201


@bp.patch("/main-numbers/<int:number_id>")
@signed_in(2)
@accepts(MainNumberInput, partial=True)
def update_main_number(number_id):
    """Change a main number; only the fields sent."""
    number = directory.update_main_number(g.tenant, number_id, body())
    db.session.commit()
    return jsonify(main_number_json(number))


@bp.delete("/main-numbers/<int:number_id>")
@signed_in(2)
def delete_main_number(number_id):
    """Delete a main number (not the primary one) with its scenario and versions."""
    directory.delete_main_number(g.tenant, number_id)
    db.session.commit()
    return "", 204


@bp.get("/number-lists")
@signed_in()
@searchable
def list_number_lists():
    """The company's number lists (VIP, blocked callers ...); ?q= finds a name or a number on the list."""
    lists = scoped(models.NumberList, g.tenant.id).order_by(models.NumberList.name)
    return listed(lists, lambda lst: (lst.name, *(lst.patterns or [])), number_list_json)


@bp.post("/number-lists")
@signed_in(2)
@accepts(NumberListInput)
def create_number_list():
    """Add a number list."""
    number_list = directory.add_number_list(g.tenant, body())
    db.session.commit()
    return jsonify(number_list_json(number_list)), 201


@bp.patch("/number-lists/<int:list_id>")
@signed_in(2)
@accepts(NumberListInput, partial=True)
def update_number_list(list_id):
    """Change a number list; only the fields sent."""
    number_list = directory.update_number_list(g.tenant, list_id, body())
    db.session.commit()
    return jsonify(number_list_json(number_list))


@bp.delete("/number-lists/<int:list_id>")
@signed_in(2)
def delete_number_list(list_id):
    """Delete a number list nothing uses any more."""
    directory.delete_number_list(g.tenant, list_id)
    db.session.commit()
    return "", 204
