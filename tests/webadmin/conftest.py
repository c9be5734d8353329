"""Fixtures of the scenario API tests: the demo's main-number scenario."""
import copy

import pytest


@pytest.fixture
def base(demo):
    """The API address of the demo's first main-number scenario."""
    return f"/api/main-numbers/{demo.main_numbers[0].id}/scenario"


@pytest.fixture
def draft(demo):
    """A copy of its draft tree, to change freely."""
    return copy.deepcopy(demo.main_numbers[0].scenario.draft)


@pytest.fixture
def call_recording(demo, tmp_path):
    """A recorded call of the demo company, its audio in a local file."""
    from datetime import UTC, datetime, timedelta

    from pbx import models
    from pbx.extensions import db

    wav = tmp_path / "call.wav"
    wav.write_bytes(b"RIFF....WAVEfmt recorded call")
    now = datetime.now(UTC)
    row = models.Recording(tenant_id=demo.id, call_uuid="call-1", caller="+48600100200", local_path=str(wav),
                           created_at=now, expires_at=now + timedelta(days=90))
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """For the browser tests: the panel with the demo on 127.0.0.1:<free port>; yields (base URL, app)."""
    from tests.support.browser import demo_panel

    with demo_panel(tmp_path_factory.mktemp("panel")) as (port, app, _):
        yield f"http://127.0.0.1:{port}", app


@pytest.fixture
def page(server):
    """A fresh headless Chromium tab (laptop size) for a browser test of ``server``."""
    from tests.support.browser import chromium_page

    with chromium_page() as tab:
        yield tab


@pytest.fixture
def foreign(ctx):
    """A voicemail box "Obca" of another company, "Inna"."""
    from pbx import models
    from pbx.extensions import db

    other = models.Tenant(name="Inna")
    db.session.add(other)
    db.session.flush()
    box = models.VoicemailBox(tenant_id=other.id, name="Obca")
    db.session.add(box)
    db.session.commit()
    return box
