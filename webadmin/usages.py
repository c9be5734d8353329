"""Where an object of the company is used, asked before it is changed or deleted."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from pbx import usages
from pbx.messages import language_of, worded
from pbx.scenarios import references_to
from pbx.tenancy import get_owned
from webadmin.auth import signed_in

bp = Blueprint("usages", __name__, url_prefix="/api")

# The panel's collections and the kinds the scenarios name them by.
COLLECTIONS = {"users": "user", "groups": "group", "voicemail-boxes": "box", "announcements": "announcement",
               "number-lists": "list", "main-numbers": "main_number", "surveys": "survey"}


@signed_in()
def object_usages(collection, obj_id):
    """Every place using the object, by name; ``refused`` lists what stops its deletion."""
    kind = COLLECTIONS[collection]
    obj = get_owned(usages.model_of(kind), g.tenant.id, obj_id)
    refused = worded(references_to(g.tenant.id, kind, obj.id), language_of(request.accept_languages))
    return jsonify(usages=usages.usages(g.tenant.id, kind, obj.id), refused=refused)


for _collection in COLLECTIONS:
    bp.add_url_rule(f"/{_collection}/<int:obj_id>/usages", endpoint=f"{_collection}_usages",
                    view_func=object_usages, defaults={"collection": _collection})
