"""Health and readiness (docs/operations.md): ``/healthz`` answers while the process runs,
``/readyz`` 200 when it can do its work, else 503 naming what is missing; ``/metrics`` for
Prometheus (pbx.metrics). The web servers answer them from their app (webadmin.probes); the
listener and the task worker, which have no web server, from a small one of their own here.
"""
from __future__ import annotations

import json
import logging
import threading
from typing import Callable

from sqlalchemy import text
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from pbx import metrics
from pbx.extensions import db

log = logging.getLogger(__name__)

OK, MISSING = "ok", "unavailable"


def readiness(checks: dict[str, Callable[[], bool]], reported: dict[str, Callable[[], bool]] | None = None
              ) -> tuple[int, dict]:
    """200 when every check passes, else 503; ``reported`` checks are shown but do not decide."""
    results = {name: OK if check() else MISSING for name, check in {**checks, **(reported or {})}.items()}
    ready = all(results[name] == OK for name in checks)
    return (200 if ready else 503), {"ready": ready, "checks": results}


def database_reachable() -> bool:
    """One trivial statement in the current app's database (call inside an app context)."""
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception as error:  # noqa: BLE001 - any failure means not reachable; the reason is logged
        log.warning("readiness: the database is not reachable: %s", str(error).splitlines()[0])
        return False
    finally:
        db.session.remove()


def in_app(app, check: Callable[[], bool]) -> Callable[[], bool]:
    def checked() -> bool:
        with app.app_context():
            return check()
    return checked


class ProbeServer:
    """``/healthz``, ``/readyz`` and ``/metrics`` on ``bind`` ("host:port"), on a thread of this process.

    werkzeug's threaded server rather than a second framework: a process that has no web server
    gets three read-only answers, nothing more."""

    def __init__(self, bind: str, checks: dict[str, Callable[[], bool]], token: str,
                 gauges: metrics.Gauges | None = None):
        host, _, port = bind.rpartition(":")
        self.checks, self.token, self.gauges = checks, token, gauges
        self._server = make_server(host.strip("[]") or "127.0.0.1", int(port), self._answer, threaded=True)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_port

    def start(self) -> "ProbeServer":
        self._thread = threading.Thread(target=self._server.serve_forever, name="probes", daemon=True)
        self._thread.start()
        log.info("health and metrics on port %d", self.port)
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @Request.application
    def _answer(self, request: Request) -> Response:
        if request.path == "/healthz":
            return _json(200, {"alive": True})
        if request.path == "/readyz":
            return _json(*readiness(self.checks))
        if request.path == "/metrics":
            if not metrics.may_scrape(self.token, request.remote_addr, request.headers):
                return _json(403, {"error": metrics.SCRAPE_REFUSED})
            body, mimetype = metrics.exposition(self.gauges)
            return Response(body, content_type=mimetype)
        return _json(404, {"error": "not found"})


def started(bind: str, build: Callable[[str], ProbeServer]) -> ProbeServer | None:
    """``build(bind)`` started; none when ``bind`` is empty or taken: the process does its work without it."""
    if not bind:
        return None
    try:
        return build(bind).start()
    except OSError as error:
        log.error("health and metrics not served on %s: %s", bind, error)
        return None


def _json(status: int, body: dict) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")
