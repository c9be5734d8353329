"""The processes' log lines: plain text, or with ``CENTRALKA_LOG_FORMAT=json`` one JSON object
per line (python-json-logger) for a log collector, carrying ``call_uuid`` where a call is known:
set for a block with ``for_call`` or given to one line as ``extra={"call_uuid": ...}``."""
from __future__ import annotations

import contextlib
import logging
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"
CALL_UUID: ContextVar[str | None] = ContextVar("call_uuid", default=None)


@contextlib.contextmanager
def for_call(call_uuid: str | None):
    """Lines logged inside the block (in this thread) name this call."""
    token = CALL_UUID.set(call_uuid or None)
    try:
        yield
    finally:
        CALL_UUID.reset(token)


class _CallOfTheBlock(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "call_uuid", None) is None and CALL_UUID.get() is not None:
            record.call_uuid = CALL_UUID.get()
        return True


def handler(log_format: str, stream=None) -> logging.Handler:
    """A handler writing to ``stream`` (standard error) in the format asked ("json" or text)."""
    found = logging.StreamHandler(stream)
    if log_format == "json":
        found.setFormatter(JsonFormatter(JSON_FIELDS, rename_fields={"asctime": "time", "levelname": "level"}))
    else:
        found.setFormatter(logging.Formatter(TEXT))
    found.addFilter(_CallOfTheBlock())
    return found


def configure(log_format: str) -> None:
    """The root logger's output, once per process (a later call keeps the first)."""
    logging.basicConfig(level=logging.INFO, handlers=[handler(log_format)])
