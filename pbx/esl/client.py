"""Inbound Event Socket client over a plain TCP socket, driven by one reader thread.

The reader thread owns the receiving side of the socket: ``command/reply`` and
``api/response`` frames go to the callers waiting for them, in the order the
commands were written (FreeSWITCH answers commands in order); events go to the
``on_event`` callback. Replies and events may interleave in any order, so a
``bgapi`` result (a BACKGROUND_JOB event) can arrive before its ``Job-UUID`` reply.
"""
import collections
import logging
import socket
import threading

from pbx.esl.protocol import (
    API_RESPONSE, AUTH_REQUEST, COMMAND_REPLY, DISCONNECT_NOTICE, EVENT_JSON, EVENT_PLAIN,
    RUDE_REJECTION, Event, FrameParser,
)

log = logging.getLogger(__name__)

RECV_SIZE = 256 * 1024
JOB_RESULTS_KEPT = 1024  # BACKGROUND_JOB results nobody has asked for yet


class ESLError(Exception):
    """Base class of Event Socket errors."""


class AuthError(ESLError):
    """FreeSWITCH refused the password (or the connection, by ACL)."""


class CommandError(ESLError):
    """A command got a ``-ERR`` reply."""


class ConnectionLost(ESLError):
    """The connection is closed or was lost while waiting for a reply."""


class _Waiter:
    __slots__ = ("done", "frame", "error")

    def __init__(self):
        self.done = threading.Event()
        self.frame = None
        self.error = None


class ESLClient:
    """One inbound connection to FreeSWITCH's mod_event_socket.

    ``on_event(event)``, ``on_events(events)`` and ``on_disconnect(reason)`` run on the
    reader thread and must be quick. ``on_events`` gets the events of one socket read in
    one list: one hand-over per read instead of one per event. ``idle_timeout`` (seconds) treats a silent socket as lost;
    subscribe to HEARTBEAT (every 20 s by default) when using it.
    """

    def __init__(self, host="127.0.0.1", port=8021, password="ClueCon", timeout=5.0,
                 on_event=None, on_disconnect=None, idle_timeout=None, on_events=None):
        self.host, self.port, self.password = host, port, password
        self.timeout = timeout
        self.idle_timeout = idle_timeout
        self.on_event = on_event
        self.on_events = on_events
        self.on_disconnect = on_disconnect
        self._sock = None
        self._parser = FrameParser()
        self._send_lock = threading.Lock()
        self._waiters = collections.deque()
        self._jobs = collections.OrderedDict()
        self._jobs_cond = threading.Condition()
        self._reader = None
        self._closed = threading.Event()
        self._closing = False
        self.disconnect_reason = None

    # -- connection -------------------------------------------------------------------
    def connect(self):
        """Connect, authenticate and start the reader thread. Raises AuthError, OSError."""
        self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        try:
            self._authenticate()
        except BaseException:
            self._sock.close()
            self._closed.set()
            raise
        self._sock.settimeout(self.idle_timeout)
        self._reader = threading.Thread(
            target=self._read_loop, name=f"esl-reader-{self.host}:{self.port}", daemon=True)
        self._reader.start()
        return self

    def _authenticate(self):
        frames = collections.deque()
        if self._next_frame(frames).content_type != AUTH_REQUEST:
            raise ESLError("FreeSWITCH did not ask for authentication")
        self._sock.sendall(f"auth {self.password}\n\n".encode())
        reply = self._next_frame(frames)
        if reply.content_type != COMMAND_REPLY or not reply.reply_text.startswith("+OK"):
            raise AuthError(reply.reply_text or reply.content_type)
        # Frames that came right behind the reply go the normal way.
        self._route_all(frames)

    def _next_frame(self, frames):
        while not frames:
            data = self._sock.recv(RECV_SIZE)
            if not data:
                raise ConnectionLost("connection closed during authentication")
            frames.extend(self._parser.feed(data))
        frame = frames.popleft()
        if frame.content_type == RUDE_REJECTION:
            raise AuthError(frame.text.strip() or "rejected")
        return frame

    @property
    def connected(self):
        return self._sock is not None and not self._closed.is_set()

    def wait_closed(self, timeout=None):
        """Block until the connection is gone; True if it is."""
        return self._closed.wait(timeout)

    def close(self):
        """Say goodbye, close the socket and stop the reader thread."""
        if self._sock is None:
            return
        self._closing = True
        if not self._closed.is_set():
            try:
                with self._send_lock:
                    self._waiters.append(_Waiter())  # takes the "+OK bye" nobody waits for
                    self._sock.sendall(b"exit\n\n")
            except OSError:
                pass
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._reader and self._reader is not threading.current_thread():
            self._reader.join(self.timeout)
        self._sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- commands ---------------------------------------------------------------------
    def send(self, command, headers=None, timeout=None):
        """Send one command and return its reply Frame (command/reply or api/response)."""
        lines = [command] + [f"{name}: {value}" for name, value in (headers or {}).items()]
        data = ("\n".join(lines) + "\n\n").encode()
        waiter = _Waiter()
        with self._send_lock:
            if not self.connected:
                raise ConnectionLost(self.disconnect_reason or "not connected")
            # Queue the waiter before writing: the reply may beat sendall() back.
            self._waiters.append(waiter)
            try:
                self._sock.sendall(data)
            except OSError as exc:
                self._waiters.remove(waiter)
                raise ConnectionLost(str(exc)) from exc
        # A late reply still pops this waiter, so FIFO routing stays aligned.
        if not waiter.done.wait(self.timeout if timeout is None else timeout):
            raise TimeoutError(f"no reply to {command.split()[0]!r}")
        if waiter.error:
            raise waiter.error
        return waiter.frame

    def api(self, command, timeout=None):
        """Run an API command and return its output (``-ERR ...`` text included)."""
        return self.send(f"api {command}", timeout=timeout).text

    def bgapi(self, command, timeout=None):
        """Start an API command in the background and return its Job-UUID.

        The output arrives as a BACKGROUND_JOB event (subscribe to it); fetch it
        with ``job_result()``.
        """
        reply = self.send(f"bgapi {command}", timeout=timeout)
        job_uuid = reply.headers.get("Job-UUID")
        if not job_uuid:
            raise CommandError(reply.reply_text)
        return job_uuid

    def job_result(self, job_uuid, timeout=None):
        """The BACKGROUND_JOB event of a bgapi job, waiting for it if needed."""
        with self._jobs_cond:
            found = self._jobs_cond.wait_for(
                lambda: job_uuid in self._jobs or self._closed.is_set(),
                self.timeout if timeout is None else timeout)
            if job_uuid in self._jobs:
                return self._jobs.pop(job_uuid)
        if found:
            raise ConnectionLost(self.disconnect_reason or "closed")
        raise TimeoutError(f"no BACKGROUND_JOB for {job_uuid}")

    def subscribe(self, events=("ALL",), custom_subclasses=(), fmt="json"):
        """``event <fmt> <names>``. CUSTOM events need their subclasses named."""
        if fmt not in ("plain", "json"):
            raise ValueError(f"unsupported event format {fmt!r}")
        names = [name for name in events if name != "CUSTOM"]
        if "CUSTOM" in events and not custom_subclasses:
            # FreeSWITCH accepts "event plain CUSTOM" and then sends nothing.
            raise ValueError("CUSTOM needs custom_subclasses, e.g. 'callcenter::info'")
        if custom_subclasses:
            names += ["CUSTOM", *custom_subclasses]
        reply = self.send(f"event {fmt} {' '.join(names)}")
        if not reply.reply_text.startswith("+OK"):
            raise CommandError(reply.reply_text)
        return reply.reply_text

    # -- reader thread ----------------------------------------------------------------
    def _read_loop(self):
        reason = "closed"
        try:
            while True:
                data = self._sock.recv(RECV_SIZE)
                if not data:
                    reason = "connection closed by peer"
                    break
                if not self._route_all(self._parser.feed(data)):
                    reason = "disconnect notice"
                    break
        except socket.timeout:
            reason = f"no data for {self.idle_timeout} s"
        except Exception as exc:  # noqa: BLE001 - any failure ends this connection
            reason = f"{type(exc).__name__}: {exc}"
        self._lost(reason)

    def _route_all(self, frames):
        """Deliver the frames of one read; False when FreeSWITCH says it is hanging up on us."""
        events = []
        going_on = True
        for frame in frames:
            kind = frame.content_type
            if kind == EVENT_PLAIN or kind == EVENT_JSON:
                events.append(Event.from_frame(frame))
            elif not self._route(frame):
                going_on = False
                break
        if events:
            self._deliver(events)
        return going_on

    def _route(self, frame):
        """Deliver one reply or notice; False when FreeSWITCH says it is hanging up on us."""
        kind = frame.content_type
        if kind == COMMAND_REPLY or kind == API_RESPONSE:
            try:
                waiter = self._waiters.popleft()
            except IndexError:
                log.warning("unexpected %s from %s:%s", kind, self.host, self.port)
                return True
            waiter.frame = frame
            waiter.done.set()
        elif kind == DISCONNECT_NOTICE:
            return False
        return True

    def _deliver(self, events):
        jobs = [event for event in events if event.name == "BACKGROUND_JOB"]
        if jobs:
            with self._jobs_cond:
                for event in jobs:
                    self._jobs[event.job_uuid] = event
                while len(self._jobs) > JOB_RESULTS_KEPT:
                    self._jobs.popitem(last=False)
                self._jobs_cond.notify_all()
        if self.on_events is not None:
            self._callback(self.on_events, events)
        if self.on_event is not None:
            for event in events:
                self._callback(self.on_event, event)

    @staticmethod
    def _callback(callback, argument):
        try:
            callback(argument)
        except Exception:  # noqa: BLE001 - a bad callback must not kill the reader
            log.exception("ESL event callback failed for %r", argument)

    def _lost(self, reason):
        self.disconnect_reason = reason
        self._closed.set()
        error = ConnectionLost(reason)
        with self._send_lock:  # no send() can queue a waiter after this
            while self._waiters:
                waiter = self._waiters.popleft()
                waiter.error = error
                waiter.done.set()
        with self._jobs_cond:
            self._jobs_cond.notify_all()
        if not self._closing:
            log.warning("ESL connection to %s:%s lost: %s", self.host, self.port, reason)
        if self.on_disconnect is not None:
            try:
                self.on_disconnect(reason)
            except Exception:  # noqa: BLE001
                log.exception("ESL disconnect callback failed")


def connect(host="127.0.0.1", port=8021, password="ClueCon", timeout=5.0, **options):
    """Open an authenticated ESLClient (see ESLClient for the options)."""
    return ESLClient(host, port, password, timeout, **options).connect()


def parse_servers(text: str) -> list[tuple[str, int, str]]:
    """``host:port:password,host:port:password`` (ESL_SERVERS)."""
    servers = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        host, port, password = item.split(":", 2)
        servers.append((host, int(port), password))
    return servers
