"""WSGI entry points, one per web server: ``gunicorn 'pbx.wsgi:panel()'`` (web panel and API)
and ``gunicorn 'pbx.wsgi:switch_endpoint()'`` (xml_curl and CDR posts from FreeSWITCH).
``centralka panel`` and ``centralka switch-endpoint`` run them with the product's settings."""
from pbx.app import create_app
from pbx.slow_clients import BodyDeadline


def panel():
    app = create_app(role="panel")
    # Prompt uploads are the largest bodies the panel takes.
    limit = max(app.config["MAX_PROMPT_UPLOAD_BYTES"] * 2, 4 * 1024 * 1024)
    app.wsgi_app = BodyDeadline(app.wsgi_app, app.config["PANEL_BODY_SECONDS"], limit)
    return app


def switch_endpoint():
    app = create_app(role="switch")
    app.wsgi_app = BodyDeadline(app.wsgi_app, app.config["SWITCH_ENDPOINT_BODY_SECONDS"],
                                app.config["SWITCH_ENDPOINT_MAX_BODY"])
    return app
