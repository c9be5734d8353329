"""The dashboard's operations: whether the switches are connected, and the storage the company uses."""
from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify

from pbx import recordings, switch_status
from pbx.esl.client import parse_servers

from webadmin.auth import signed_in

bp = Blueprint("operations", __name__, url_prefix="/api")


@bp.get("/operations")
@signed_in()
def operations():
    """The switches (connected since, last event, queue sync, a problem) and the company's storage used.

    Switches are shared by every company, so they are numbered, never addressed. ``problem`` is
    "not_connected" once a switch has not been connected for 3 minutes, "sync_failed" when its
    queues could not be brought in line with the published configuration. Storage: the company's
    call recordings and voicemail messages still stored (count and bytes) and how many days
    recordings are kept.
    """
    servers = parse_servers(current_app.config["ESL_SERVERS"])
    return jsonify(switches=switch_status.switches(servers), storage=recordings.storage_used(g.tenant))
