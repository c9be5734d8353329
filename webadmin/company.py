"""REST API of the signed-in company's own settings: every admin reads them, only an owner changes them."""
from __future__ import annotations

from flask import Blueprint, g, jsonify

from pbx import directory
from pbx.extensions import db
from pbx.representations import company_json
from schemas.company import CompanyInput

from webadmin.auth import signed_in
from webadmin.common import body
from webadmin.openapi import accepts

bp = Blueprint("company", __name__, url_prefix="/api/company")



@bp.get("")
@signed_in()
def show_company():
    """The company's settings."""
    return jsonify(company_json(g.tenant))


@bp.patch("")
@signed_in(3)
@accepts(CompanyInput, partial=True)
def update_company():
    """Change the company's settings (owners only)."""
    tenant = directory.update_tenant(g.tenant, body())
    db.session.commit()
    return jsonify(company_json(tenant))


@bp.post("/server-secret")
@signed_in(3)
def new_server_secret():
    """A new signing key for "Call a server" nodes (owners only), shown this once; the old one stops working."""
    secret = directory.new_server_secret(g.tenant)
    db.session.commit()
    return jsonify({"server_secret": secret}), 201
