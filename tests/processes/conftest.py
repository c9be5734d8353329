"""The processes' tests use the listener tests' real services: S3, SMTP, the fake FreeSWITCH."""
from tests.listener.conftest import box, bucket, company, freeswitch, recordings_dir, s3_server  # noqa: F401
