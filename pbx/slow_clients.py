"""Slow-client protection for the web servers: a request body must arrive whole, within a size
and a time limit, before the application sees it. A client trickling its body (a byte a second)
would otherwise hold a worker thread for as long as it likes."""
from __future__ import annotations

import contextlib
import heapq
import io
import json
import socket
import threading
import time

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
        watch = _WATCHDOG.watch(client, self.seconds) if client else None
        try:
            return environ["wsgi.input"].read(size)
        except (OSError, ValueError):  # gunicorn's NoMoreData is an OSError: the client went away
            return None
        finally:
            if watch:
                watch.done = True


class _Watch:
    __slots__ = ("deadline", "client", "done")

    def __init__(self, deadline: float, client: socket.socket):
        self.deadline, self.client, self.done = deadline, client, False

    def __lt__(self, other: "_Watch") -> bool:
        return self.deadline < other.deadline


class _Watchdog:
    """One thread per process for every body being read (a timer thread per request would cost
    about 0.3 ms each): shuts the reading side of a socket whose body is late."""

    def __init__(self):
        self._heap: list[_Watch] = []
        self._wake = threading.Condition()
        self._thread = None

    def watch(self, client: socket.socket, seconds: float) -> _Watch:
        entry = _Watch(time.monotonic() + seconds, client)
        with self._wake:
            if self._thread is None or not self._thread.is_alive():  # also after a fork
                self._thread = threading.Thread(target=self._run, name="body-deadline", daemon=True)
                self._thread.start()
            heapq.heappush(self._heap, entry)
            if self._heap[0] is entry:
                self._wake.notify()
        return entry

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._heap and self._heap[0].done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._wake.wait()
                    continue
                late = self._heap[0].deadline - time.monotonic()
                if late > 0:
                    self._wake.wait(late)
                    continue
                entry = heapq.heappop(self._heap)
            _stop_reading(entry.client)


_WATCHDOG = _Watchdog()


def _stop_reading(client: socket.socket) -> None:
    with contextlib.suppress(OSError):
        client.shutdown(socket.SHUT_RD)


def _refuse(start_response, status: str, text: str):
    body = json.dumps({"error": text}).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                            ("Connection", "close")])
    return [body]
