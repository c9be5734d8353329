"""The panel's /healthz and /readyz: alive while it runs, ready while its database answers."""
from __future__ import annotations

from pbx.app import create_app
from pbx.extensions import db


def test_the_panel_is_alive_and_ready_with_its_database(client):
    assert client.get("/healthz").json == {"alive": True}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json == {"ready": True, "checks": {"database": "ok"}}


def test_the_panel_without_its_database_is_alive_but_not_ready(tmp_path):
    away = create_app({"TESTING": True, "SECRET_KEY": "test", "TASK_QUEUE_URL": "memory",
                       "SWITCH_SYNC_ON_COMMIT": False, "XML_CURL_LAST_GOOD_PATH": str(tmp_path / "last-good"),
                       "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://centralka@127.0.0.1:1/centralka"
                                                  "?connect_timeout=1"})
    client = away.test_client()
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json == {"ready": False, "checks": {"database": "unavailable"}}
    with away.app_context():
        db.engine.dispose()
