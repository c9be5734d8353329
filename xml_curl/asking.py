"""The reply to a "Call a server" node's `ASK` hunt: the company's server asked, the answer's extension.

Built for each call, never cached: another call may get another answer. The deadline is the
node's own, cut to ``SERVER_CALL_LIMIT_MS`` from the moment the hunt arrived, which stays under
mod_xml_curl's 3 s ``timeout``: past it FreeSWITCH would drop our reply and route by its static XML.
"""
from __future__ import annotations

import logging
import re
import time
import uuid
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from pbx import metrics
from pbx.calls.legs import e164, parse_path
from pbx.compiler import emit
from pbx.dialplan import ir
from pbx.nodes.server import reply_actions
from pbx.server_call import Failed, post, read_answer
from xml_curl.documents import compact
from xml_curl.request import CurlRequest
from xml_curl.store import DatabaseDown

log = logging.getLogger("centralka.xml_curl")

ASKING = re.compile(r"s[0-9]+_[a-z][a-z0-9_]*_ASK")


def payload(spec: dict, asked: CurlRequest) -> dict:
    """What the server is told: the call so far, the time in the company's zone, what it may answer."""
    at = datetime.now(timezone.utc)
    if asked.at.isdigit():  # Event-Date-Timestamp, microseconds (a test call's own instant)
        at = datetime.fromtimestamp(int(asked.at) / 1_000_000, timezone.utc)
    return {"request_id": uuid.uuid4().hex, "node": spec["node"], "call_uuid": asked.call_uuid,
            "caller": e164(asked.caller) or asked.caller, "dialled": e164(asked.dialled) or asked.dialled,
            "main_number": asked.main_number,
            "path": parse_path(asked.path), "time": at.astimezone(ZoneInfo(spec["timezone"])).isoformat(),
            "timezone": spec["timezone"], "answers": sorted(spec["answers"]), "targets": spec["targets"]}


class Asker:
    """Asks for one app: its settings, and where the companies' keys are read."""

    def __init__(self, config, secret_of):
        self.config = config  # read per ask: the settings are the app's as they are then
        self.secret_of = secret_of  # tenant id -> the company's key, or None

    @property
    def loopback_http(self) -> bool:
        # Never in production, whatever the environment says.
        return bool(self.config.get("SERVER_CALL_LOOPBACK_HTTP")) and self.config.get("ENVIRONMENT") != "production"

    def reply(self, spec: dict, asked: CurlRequest, tenant_id: int, started: float) -> bytes:
        limit = self.config["SERVER_CALL_LIMIT_MS"] / 1000
        deadline = min(time.monotonic() + spec["timeout_ms"] / 1000, started + limit)
        answer, reason = None, ""
        try:
            try:
                secret = self.secret_of(tenant_id)
            except DatabaseDown:
                raise Failed("no_key", "the database is away") from None
            if not secret:
                raise Failed("no_key")
            body = post(spec["url"], payload(spec, asked), secret, deadline, loopback_http=self.loopback_http)
            answer = read_answer(body, set(spec["answers"]), set(spec["targets"]), spec["extensions"])
        except Failed as failed:
            reason = failed.reason
            log.warning("xml_curl: company %s, node %s: the server gave no answer (%s); call %s takes the fallback",
                        tenant_id, spec["node"], failed, asked.call_uuid or "-")
        except Exception:  # whatever broke, the call takes its fallback within the deadline
            reason = "error"
            log.exception("xml_curl: company %s, node %s: asking the server failed", tenant_id, spec["node"])
        metrics.SERVER_CALLS.labels(reason or "answered").inc()
        extension = ir.simple(spec["ask"], reply_actions(spec, answer, reason, spec["context"]))
        return compact(emit.emit(spec["context"], [extension]))
