"""REST API of the signed-in company's own settings: every admin reads them, only an owner changes them."""
from __future__ import annotations

from flask import Blueprint, g, jsonify

from pbx import directory
from pbx.extensions import db
from pbx.representations import company_json

from webadmin.auth import signed_in
from webadmin.common import body

bp = Blueprint("company", __name__, url_prefix="/api/company")



@bp.get("")
@signed_in()
def show_company():
    return jsonify(company_json(g.tenant))


@bp.patch("")
@signed_in(3)
def update_company():
    tenant = directory.update_tenant(g.tenant, body())
    db.session.commit()
    return jsonify(company_json(tenant))
