"""WSGI entry points, one per web server: ``gunicorn 'pbx.wsgi:panel()'`` (web panel and API)
and ``gunicorn 'pbx.wsgi:switch_endpoint()'`` (xml_curl and CDR posts from FreeSWITCH).
``centralka panel`` and ``centralka switch-endpoint`` run them with the product's settings."""
import json

from pbx import tasks
from pbx.app import create_app
from pbx.slow_clients import BodyDeadline

# Served by the switch endpoint only: FreeSWITCH's lookups never wait behind panel work.
SWITCH_ONLY = "/xml_curl"


class PanelServer:
    """The panel app as its server serves it: everything but the xml_curl endpoint (404), which
    the app itself still answers in-process for test calls and schedule previews."""

    def __init__(self, app):
        self.app = app
        limit = max(app.config["MAX_PROMPT_UPLOAD_BYTES"] * 2, 4 * 1024 * 1024)  # prompt uploads are the largest
        self.guarded = BodyDeadline(app, app.config["PANEL_BODY_SECONDS"], limit)

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").rstrip("/") == SWITCH_ONLY:
            body = json.dumps({"error": "the xml_curl endpoint is served by the switch endpoint "
                                        "(CENTRALKA_SWITCH_ENDPOINT_BIND)"}).encode()
            start_response("404 Not Found", [("Content-Type", "application/json"),
                                             ("Content-Length", str(len(body)))])
            return [body]
        return self.guarded(environ, start_response)


def _app(role: str):
    app = create_app(role=role)
    tasks.bind(app)  # the tasks this process queues run in its app (at once, with TASK_QUEUE_URL=memory)
    return app


def panel():
    return PanelServer(_app("panel"))


def switch_endpoint():
    app = _app("switch")
    return BodyDeadline(app, app.config["SWITCH_ENDPOINT_BODY_SECONDS"], app.config["SWITCH_ENDPOINT_MAX_BODY"])
