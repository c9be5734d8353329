"""Slow-client protection for the web servers: a request body must arrive whole, within a size
and a time limit, before the application sees it. A client trickling its body (a byte a second)
would otherwise hold a worker thread for as long as it likes."""
from __future__ import annotations

import contextlib
import io
import json
import socket
import threading

# gunicorn has size limits for the request line and headers but none in time for the body, and
# no buffering front is assumed in development: hence this small middleware.


class BodyDeadline:
    """WSGI middleware: the body is read first, cut off after ``seconds`` (408) or ``limit`` bytes (413)."""

    def __init__(self, app, seconds: float, limit: int):
        self.app, self.seconds, self.limit = app, seconds, limit

    def __call__(self, environ, start_response):
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _refuse(start_response, "400 Bad Request", "Content-Length is not a number")
        chunked = environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked"
        if length > self.limit:
            return _refuse(start_response, "413 Request Entity Too Large",
                           f"the request body is over {self.limit} bytes")
        if not length and not chunked:
            return self.app(environ, start_response)
        body = self._read(environ, self.limit + 1 if chunked else length)
        if body is None or (not chunked and len(body) < length):
            return _refuse(start_response, "408 Request Timeout",
                           f"the request body did not arrive within {self.seconds:g} s")
        if len(body) > self.limit:
            return _refuse(start_response, "413 Request Entity Too Large",
                           f"the request body is over {self.limit} bytes")
        environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)

    def _read(self, environ, size: int) -> bytes | None:
        client = environ.get("gunicorn.socket")
        # At the deadline the socket's reading side is shut: the blocked read returns what it has.
        timer = threading.Timer(self.seconds, _stop_reading, (client,)) if client else None
        if timer:
            timer.daemon = True
            timer.start()
        try:
            return environ["wsgi.input"].read(size)
        except (OSError, ValueError):  # gunicorn's NoMoreData is an OSError: the client went away
            return None
        finally:
            if timer:
                timer.cancel()


def _stop_reading(client: socket.socket) -> None:
    with contextlib.suppress(OSError):
        client.shutdown(socket.SHUT_RD)


def _refuse(start_response, status: str, text: str):
    body = json.dumps({"error": text}).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                            ("Connection", "close")])
    return [body]
