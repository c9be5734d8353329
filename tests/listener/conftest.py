"""Fixtures of the listener tests: the company of the captured calls (tenant 42)."""
import pytest


@pytest.fixture
def company(ctx):
    """Tenant 42, the ``centralka_tenant`` of every captured call."""
    from pbx import models
    from pbx.extensions import db

    tenant = models.Tenant(id=42, name="Captured calls", timezone="Europe/Warsaw")
    db.session.add(tenant)
    db.session.commit()
    return tenant


@pytest.fixture
def box(company):
    """The company's voicemail box "Support", mailed to two extra addresses."""
    from pbx import models
    from pbx.extensions import db

    voicemail_box = models.VoicemailBox(tenant_id=42, name="Support", extra_emails=["anna@example.test",
                                                                                    "bob@example.test"])
    db.session.add(voicemail_box)
    db.session.commit()
    return voicemail_box


@pytest.fixture(scope="session")
def s3_server():
    """moto_server on a free loopback port, for the whole run."""
    from tests.support.services import MotoServer

    server = MotoServer().start()
    yield server
    server.stop()


@pytest.fixture
def bucket(ctx, s3_server, monkeypatch):
    """A fresh bucket; the app's storage talks HTTP to moto_server."""
    import uuid

    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    name = f"recordings-{uuid.uuid4().hex[:8]}"
    client = boto3.client("s3", endpoint_url=s3_server.url, region_name="eu-central-1")
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    ctx.config.update(S3_BUCKET=name, S3_ENDPOINT_URL=s3_server.url, S3_REGION="eu-central-1")
    yield client, name
    ctx.config.update(S3_BUCKET="", S3_ENDPOINT_URL=None)


@pytest.fixture
def recordings_dir(ctx, tmp_path):
    """FreeSWITCH's recordings folder as the listener sees it."""
    folder = tmp_path / "recordings"
    folder.mkdir()
    ctx.config.update(RECORDINGS_DIR="/var/lib/freeswitch/recordings", RECORDINGS_MOUNT=str(folder))
    yield folder
    ctx.config.pop("RECORDINGS_MOUNT", None)


class LiveChannels(dict):
    """Canned api replies, plus FreeSWITCH's answer to uuid_broadcast on a live channel."""

    def get(self, command, default=None):
        if command.startswith("uuid_broadcast "):
            return "+OK Message sent\n"
        return super().get(command, default)


@pytest.fixture
def freeswitch():
    """The fake FreeSWITCH event socket on a loopback port."""
    from tests.support.esl_server import FakeFreeSwitch

    server = FakeFreeSwitch()
    server.api_replies = LiveChannels(server.api_replies)
    server.start()
    yield server
    server.stop()
