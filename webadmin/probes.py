"""``/healthz``, ``/readyz`` and ``/metrics`` of both web servers (pbx.probes, pbx.metrics).

The panel is ready when its database answers. The switch endpoint is ready when its last good
store is usable: it routes calls from there while the database is away, so an outage of the
database (shown in the answer) must not take every switch endpoint out of the load balancer.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from pbx import metrics, probes

bp = Blueprint("probes", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify(alive=True)


@bp.get("/readyz")
def readyz():
    database = {"database": probes.database_reachable}
    if current_app.config["ROLE"] == "switch":
        last_good = current_app.extensions["xml_curl"].sections["dialplan"].last_good
        status, body = probes.readiness({"last_good": last_good.usable}, reported=database)
    else:
        status, body = probes.readiness(database)
    return jsonify(body), status


@bp.get("/metrics")
def scrape():
    if not metrics.may_scrape(current_app.config["METRICS_TOKEN"], request.remote_addr, request.headers):
        return jsonify(error=metrics.SCRAPE_REFUSED), 403
    body, mimetype = metrics.exposition()
    return Response(body, content_type=mimetype)
