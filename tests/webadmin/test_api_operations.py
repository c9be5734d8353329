"""The dashboard's operations through the API: the switches as the listener wrote them, the company's storage."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pbx import models
from pbx.extensions import db

SERVERS = "10.0.0.5:8021:SecretOne,10.0.0.6:8021:SecretTwo,10.0.0.7:8021:SecretThree"


@pytest.fixture
def now():
    return datetime.now(timezone.utc)


@pytest.fixture
def switches(ctx, now):
    """Three switches: one connected, one down for 5 minutes, one whose listener stopped reporting 4 minutes ago."""
    ctx.config["ESL_SERVERS"] = SERVERS
    db.session.add_all([
        models.SwitchStatus(server="10.0.0.5:8021", connected=True, since=now - timedelta(hours=2),
                            last_event_at=now - timedelta(seconds=4), reported_at=now - timedelta(seconds=30),
                            sync_state="in_line", sync_at=now - timedelta(hours=2)),
        models.SwitchStatus(server="10.0.0.6:8021", connected=False, since=now - timedelta(minutes=5),
                            reported_at=now - timedelta(minutes=5), sync_state="in_line"),
        models.SwitchStatus(server="10.0.0.7:8021", connected=True, since=now - timedelta(days=1),
                            reported_at=now - timedelta(minutes=4), sync_state="failed"),
        models.SwitchStatus(server="10.9.9.9:8021", connected=False, since=now),  # no longer configured
    ])
    db.session.commit()


def _recording(tenant_id, kind, size, name, now):
    return models.Recording(tenant_id=tenant_id, call_uuid=name, kind=kind, local_path=f"/tmp/{name}.wav",
                            size_bytes=size, expires_at=now + timedelta(days=90))


@pytest.fixture
def stored(demo, stranger, now):
    db.session.add_all([_recording(demo.id, "call", 1_500_000, "a", now),
                        _recording(demo.id, "call", 500_000, "b", now),
                        _recording(demo.id, "voicemail", 64_000, "c", now), _recording(demo.id, "empty", 0, "d", now),
                        _recording(stranger.tenant_id, "call", 9_000_000, "e", now)])
    db.session.commit()


def test_switches_in_the_order_configured_with_problems_and_no_addresses(as_viewer, switches, stored, now):
    response = as_viewer.get("/api/operations")
    assert response.status_code == 200
    up, down, silent = response.get_json()["switches"]
    assert (up["switch"], up["connected"], up["problem"], up["sync"]) == (1, True, None, "in_line")
    assert datetime.fromisoformat(up["last_event_at"]) == now - timedelta(seconds=4)
    assert (down["switch"], down["connected"], down["problem"]) == (2, False, "not_connected")
    assert datetime.fromisoformat(down["since"]) == now - timedelta(minutes=5)
    # Its listener has gone quiet: not connected since its last report, not since yesterday.
    assert (silent["connected"], silent["problem"]) == (False, "not_connected")
    assert datetime.fromisoformat(silent["since"]) == now - timedelta(minutes=4)
    assert "10.0.0" not in response.get_data(as_text=True) and "Secret" not in response.get_data(as_text=True)


def test_a_short_outage_and_a_failed_sync(as_viewer, ctx, now):
    ctx.config["ESL_SERVERS"] = SERVERS
    db.session.add_all([
        models.SwitchStatus(server="10.0.0.5:8021", connected=False, since=now - timedelta(minutes=2),
                            reported_at=now - timedelta(minutes=2)),
        models.SwitchStatus(server="10.0.0.6:8021", connected=True, since=now, reported_at=now, sync_state="failed"),
    ])
    db.session.commit()
    reconnecting, unsynced, never = as_viewer.get("/api/operations").get_json()["switches"]
    assert reconnecting["problem"] is None  # reconnecting takes seconds; 3 minutes is a problem
    assert (unsynced["connected"], unsynced["problem"]) == (True, "sync_failed")
    assert (never["since"], never["problem"]) == (None, "not_connected")


def test_storage_is_the_companys_own(as_owner, demo, stored, client, stranger):
    from tests.conftest import sign_in

    storage = as_owner.get("/api/operations").get_json()["storage"]
    assert storage == {"recordings": {"count": 2, "bytes": 2_000_000}, "voicemail": {"count": 1, "bytes": 64_000},
                       "retention_days": demo.retention_days}
    sign_in(client, stranger)
    assert client.get("/api/operations").get_json()["storage"]["recordings"] == {"count": 1, "bytes": 9_000_000}


def test_signed_in_only(client, demo):
    assert client.get("/api/operations").status_code == 401
