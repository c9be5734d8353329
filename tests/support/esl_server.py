"""A fake FreeSWITCH event socket (mod_event_socket, inbound) on 127.0.0.1.

It speaks the real protocol with frames cut out of the captured streams in
fixtures/freeswitch: auth/request, ``auth`` (``-ERR invalid`` and a hang-up on a
bad password), ``event plain|json ...``, ``api`` (canned captured replies),
``bgapi`` (Job-UUID reply plus a BACKGROUND_JOB event), ``exit``. ``replay()``
sends the events of a captured stream to every subscribed connection, filtered
by its subscription the way FreeSWITCH does (ALL, names, CUSTOM + subclasses).

Usage::

    server = FakeFreeSwitch().start()
    client = connect(*server.address, password="ClueCon")
    server.replay("esl_events_plain_callcenter_answered.txt")
    server.stop()
"""
import socket
import threading
import uuid

from pbx.esl.protocol import EVENT_JSON, EVENT_PLAIN, Event, encode_event, encode_frame
from tests.support.captured import (
    FIXTURES_DIR, canned_api_replies, event_frames, frame_content_type, read_fixture,
    received_frames, split_frames,
)

AUTH_REQUEST = b"Content-Type: auth/request\n\n"
FORMATS = {"plain": EVENT_PLAIN, "json": EVENT_JSON}


def _reply(text, **headers):
    return encode_frame({"Content-Type": "command/reply", "Reply-Text": text, **headers})


def _disconnect_notice():
    return split_frames(read_fixture("esl_events_plain_custom_no_subclass.txt"))[-1]


def _background_job_template():
    frame = next(f for f in received_frames("esl_bgapi.txt")
                 if frame_content_type(f) == EVENT_PLAIN)
    return Event(EVENT_PLAIN, frame.split(b"\n\n", 1)[1])


class Subscription:
    """What an ``event plain|json ...`` command asked for, matched the way FreeSWITCH does."""

    def __init__(self):
        self.fmt = None  # "plain" / "json" once subscribed
        self.names = set()
        self.subclasses = set()

    def wants(self, event):
        if self.fmt is None:
            return False
        if "ALL" in self.names:
            return True
        if event.name == "CUSTOM":
            return event.subclass in self.subclasses
        return event.name in self.names

    def subscribe(self, fmt, words):
        self.fmt = fmt
        custom = False
        for word in words:
            if word == "CUSTOM":
                custom = True
            elif custom and word.upper() != word:  # subclasses are lower case, e.g. sofia::register
                self.subclasses.add(word)
            else:
                self.names.add(word)


class _Connection(Subscription):
    def __init__(self, sock, number):
        super().__init__()
        self.sock = sock
        self.number = number
        self.authed = False
        self.send_lock = threading.Lock()
        self.closed = False

    def send(self, data):
        with self.send_lock:
            if self.closed:
                return False
            try:
                self.sock.sendall(data)
                return True
            except OSError:
                return False

    def close(self):
        with self.send_lock:
            self.closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class FakeFreeSwitch:
    """A loopback ESL server; ``commands`` records every command received."""

    def __init__(self, password="ClueCon", api_replies=None, port=0):
        self.password = password
        self.api_replies = dict(canned_api_replies())
        self.api_replies.update(api_replies or {})
        self.port = port
        self.commands = []
        self.bgapi_event_first = False  # FreeSWITCH may send the event before the reply
        self.connections = []
        self._listen_sock = None
        self._threads = []
        self._not_stalled = threading.Event()
        self._not_stalled.set()
        self._changed = threading.Condition()
        self._connection_count = 0

    # -- life cycle -------------------------------------------------------------------
    @property
    def address(self):
        return ("127.0.0.1", self.port)

    def start(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))  # keeps its port across restart()
        sock.listen(16)
        sock.settimeout(0.05)
        self.port = sock.getsockname()[1]
        self._listen_sock = sock
        thread = threading.Thread(target=self._accept_loop, args=(sock,), daemon=True)
        thread.start()
        self._threads = [thread]
        return self

    def stop(self):
        """Stop listening (new connections are refused) and drop every connection."""
        sock, self._listen_sock = self._listen_sock, None
        accept_thread, *serve_threads = self._threads or [None]
        if accept_thread is not None:
            accept_thread.join(2)  # no connection may slip in after the drop below
        if sock is not None:
            sock.close()
        self.resume()
        self.drop_connections()
        for thread in serve_threads:
            thread.join(2)

    def restart(self):
        self.stop()
        return self.start()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- controls for tests -------------------------------------------------------------
    def drop_connections(self):
        """Cut every open connection mid-stream, without a disconnect notice."""
        for conn in list(self.connections):
            conn.close()

    def stall(self):
        """Stop answering commands (events still go out only through replay())."""
        self._not_stalled.clear()

    def resume(self):
        self._not_stalled.set()

    def wait_until(self, predicate, timeout=5.0):
        with self._changed:
            return self._changed.wait_for(predicate, timeout)

    def subscribed(self):
        return [c for c in self.connections if not c.closed and c.fmt is not None]

    def wait_subscribed(self, count=1, timeout=5.0):
        return self.wait_until(lambda: len(self.subscribed()) >= count, timeout)

    def commands_starting(self, prefix):
        return [command for _, command in self.commands if command.startswith(prefix)]

    # -- events ---------------------------------------------------------------------------
    def replay(self, fixture_name, repeat=1):
        """Send a capture's events to each subscribed connection; returns events sent."""
        sent = 0
        for conn in self.subscribed():
            frames = [raw for raw, event in self._frames_as(fixture_name, conn.fmt)
                      if conn.wants(event)]
            if frames and conn.send(b"".join(frames) * repeat):
                sent += len(frames) * repeat
        return sent

    def send_event(self, event):
        """Send one Event (any format) to the connections that subscribed to it."""
        for conn in self.subscribed():
            if conn.wants(event):
                conn.send(encode_event(event, FORMATS[conn.fmt]))

    def _frames_as(self, fixture_name, fmt):
        """(raw frame, Event) pairs of a capture in the wanted format."""
        source_fmt = "json" if fixture_name.startswith("esl_events_json") else "plain"
        other = fixture_name.replace(f"esl_events_{source_fmt}", f"esl_events_{fmt}", 1)
        if (FIXTURES_DIR / other).exists():
            return [(raw, _event_of(raw)) for raw in event_frames(other)]
        # No capture in that format: re-encode (repeated headers keep their first value).
        events = [_event_of(raw) for raw in event_frames(fixture_name)]
        return [(encode_event(event, FORMATS[fmt]), event) for event in events]

    # -- protocol ---------------------------------------------------------------------
    def _accept_loop(self, listen_sock):
        while self._listen_sock is listen_sock:
            try:
                sock, _ = listen_sock.accept()
            except socket.timeout:
                continue
            except OSError:
                break
            self._connection_count += 1
            conn = _Connection(sock, self._connection_count)
            self.connections.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn):
        buffer = b""
        conn.send(AUTH_REQUEST)
        try:
            while not conn.closed:
                end = buffer.find(b"\n\n")
                if end < 0:
                    data = conn.sock.recv(65536)
                    if not data:
                        break
                    buffer += data
                    continue
                block, buffer = buffer[:end].decode(), buffer[end + 2:]
                if not self._handle(conn, block):
                    break
        except OSError:
            pass
        conn.close()
        self._notify()

    def _notify(self):
        with self._changed:
            self._changed.notify_all()

    def _handle(self, conn, block):
        """Answer one command; False to hang up."""
        command, *header_lines = block.split("\n")
        headers = dict(line.split(": ", 1) for line in header_lines if ": " in line)
        self.commands.append((conn.number, command))
        self._notify()
        self._not_stalled.wait()  # a stalled server reads commands but does not answer
        verb, _, rest = command.partition(" ")
        try:
            if verb == "auth":
                return self._auth(conn, rest)
            if not conn.authed:
                return conn.send(_reply("-ERR command not found"))
            if verb == "event":
                fmt, _, names = rest.partition(" ")
                conn.subscribe(fmt, names.split())
                return conn.send(_reply(f"+OK event listener enabled {fmt}"))
            if verb == "api":
                return conn.send(self._api_frame(rest))
            if verb == "bgapi":
                return self._bgapi(conn, rest, headers.get("Job-UUID") or str(uuid.uuid4()))
            if verb == "exit":
                conn.send(_reply("+OK bye") + _disconnect_notice())
                return False
            if verb == "noevents":
                conn.fmt, conn.names, conn.subclasses = None, set(), set()
                return conn.send(_reply("+OK no longer listening for events"))
            return conn.send(_reply("-ERR command not found"))
        finally:
            self._notify()

    def _auth(self, conn, password):
        if password != self.password:
            conn.send(_reply("-ERR invalid") + _disconnect_notice())
            return False
        conn.authed = True
        return conn.send(_reply("+OK accepted"))

    def _api_body(self, command):
        reply = self.api_replies.get(command)
        if reply is None:
            return f"-ERR {command.split(' ')[0]} Command not found!\n".encode()
        if callable(reply):
            reply = reply(command)
        if isinstance(reply, str):
            return reply.encode()
        return reply.split(b"\n\n", 1)[1] if reply.startswith(b"Content-Type:") else reply

    def _api_frame(self, command):
        body = self._api_body(command)
        return (f"Content-Type: api/response\nContent-Length: {len(body)}\n\n").encode() + body

    def _bgapi(self, conn, command, job_uuid):
        reply = _reply(f"+OK Job-UUID: {job_uuid}", **{"Job-UUID": job_uuid})
        event = self._background_job(command, job_uuid)
        frames = [reply]
        if conn.wants(event):
            event_frame = encode_event(event, FORMATS[conn.fmt])
            frames.insert(0 if self.bgapi_event_first else 1, event_frame)
        return conn.send(b"".join(frames))

    def _background_job(self, command, job_uuid):
        name, _, arg = command.partition(" ")
        headers = dict(_background_job_template().headers)
        headers.update({"Job-UUID": job_uuid, "Job-Command": name})
        headers.pop("Job-Command-Arg", None)
        if arg:
            headers["Job-Command-Arg"] = arg
        return Event.from_headers(headers, self._api_body(command).decode())


def _event_of(raw_frame):
    content_type = frame_content_type(raw_frame)
    return Event(content_type, raw_frame.split(b"\n\n", 1)[1])
