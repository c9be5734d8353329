"""REST API of main numbers and of number lists (blacklists and VIP lists)."""
from __future__ import annotations

from flask import Blueprint, g, jsonify

from pbx import directory, models
from pbx.extensions import db
from pbx.representations import main_number_json, number_list_json
from pbx.tenancy import get_owned, scoped

from webadmin.auth import signed_in
from webadmin.common import body

bp = Blueprint("numbers", __name__, url_prefix="/api")




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
    number = directory.update_main_number(g.tenant, number_id, body())
    db.session.commit()
    return jsonify(main_number_json(number))


@bp.delete("/main-numbers/<int:number_id>")
@signed_in(2)
def delete_main_number(number_id):
    directory.delete_main_number(g.tenant, number_id)
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
    number_list = directory.update_number_list(g.tenant, list_id, body())
    db.session.commit()
    return jsonify(number_list_json(number_list))


@bp.delete("/number-lists/<int:list_id>")
@signed_in(2)
def delete_number_list(list_id):
    directory.delete_number_list(g.tenant, list_id)
    db.session.commit()
    return "", 204
