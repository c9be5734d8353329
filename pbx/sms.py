"""Text messages for phone-number sign-in, through a pluggable sender.

``SMS_BACKEND`` chooses it: ``log`` (development: the message goes to the log) or the dotted
path of a class implementing ``SmsSender`` (e.g. ``mycompany.sms.GatewaySender``), built with
the application's config.
"""
from __future__ import annotations

import logging
from typing import Protocol

from werkzeug.utils import import_string

log = logging.getLogger(__name__)


class SmsSender(Protocol):
    def __init__(self, config) -> None: ...

    def send(self, number: str, text: str) -> None:
        """Send ``text`` to ``number`` (E.164); raise ``OSError`` when the gateway refused it."""


class LogSmsSender:
    """Development: writes where the message would go, not the message (codes have their own log line)."""

    def __init__(self, config) -> None:
        self.config = config

    def send(self, number: str, text: str) -> None:
        log.info("SMS to %s (%d characters) not sent: SMS_BACKEND is 'log'", number, len(text))


def sender(config) -> SmsSender:
    """The sender ``config`` (the app's settings) names, built with them."""
    backend = config.get("SMS_BACKEND", "log")
    cls = LogSmsSender if backend == "log" else import_string(backend)
    return cls(config)
