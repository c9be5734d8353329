"""FreeSWITCH Event Socket (ESL) wire protocol: framing and events.

We keep our own small protocol module instead of a library: python-esl's only
release (1.4.18, 2016) does not build with today's SWIG, and greenswitch needs
gevent monkey-patching, which the thread-based rest of Centralka cannot take.

Wire format: a frame is ``headers \\n\\n`` followed by exactly
``Content-Length`` bytes of body when that header is present. Event frames
(``text/event-plain`` / ``text/event-json``) carry the event in the body.

Duplicate headers: FreeSWITCH can put the same header twice into one event
(``uuid_broadcast`` merges a COMMAND and a PRIVATE_COMMAND event). We keep the
FIRST value, in both formats, so a plain and a JSON subscription see the same
event. Python's ``json`` alone would keep the last value.

Speed: an Event is split lazily. ``name``/``subclass`` are read straight from
the bytes, and so is a header asked for with ``get()`` (once per event and header);
``prefetch()`` picks many channel variables of a JSON event in one pass (msgspec);
the header table is built only for a header not found that way, or for ``headers``;
URL-decoding of plain values happens per value on ``get()``, or for all values on
``headers``. Building a table of every header in one pass was measured too: parsing a
10 KB hang-up event into a dict costs more than the searches plus one prefetch.
"""
import functools
import json
from urllib.parse import quote, unquote

import msgspec

AUTH_REQUEST = "auth/request"
COMMAND_REPLY = "command/reply"
API_RESPONSE = "api/response"
EVENT_PLAIN = "text/event-plain"
EVENT_JSON = "text/event-json"
DISCONNECT_NOTICE = "text/disconnect-notice"
RUDE_REJECTION = "text/rude-rejection"
EVENT_TYPES = (EVENT_PLAIN, EVENT_JSON)
ABSENT = object()  # a header known not to be in an event


class ProtocolError(Exception):
    """The byte stream is not valid Event Socket framing."""


class Frame:
    """One ESL frame: envelope headers (not URL-decoded) and raw body bytes."""

    __slots__ = ("headers", "body")

    def __init__(self, headers, body=b""):
        self.headers = headers
        self.body = body

    @property
    def content_type(self):
        return self.headers.get("Content-Type", "")

    @property
    def reply_text(self):
        return self.headers.get("Reply-Text", "")

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    @property
    def is_event(self):
        return self.content_type in EVENT_TYPES

    def __repr__(self):
        return f"<Frame {self.content_type} {self.reply_text or len(self.body)}>"


def _parse_envelope(block):
    headers = {}
    for line in block.decode("utf-8", "replace").split("\n"):
        name, sep, value = line.partition(": ")
        if sep:
            headers.setdefault(name, value)
        elif line:
            raise ProtocolError(f"bad header line {line!r}")
    return headers


class FrameParser:
    """Incremental framer: ``feed(bytes)`` returns the frames completed so far."""

    def __init__(self):
        self._chunks = []
        self._size = 0
        self._need = 1  # bytes to wait for before trying to frame again

    def feed(self, data):
        if data:
            self._chunks.append(data)
            self._size += len(data)
        if self._size < self._need:
            return []
        buf = b"".join(self._chunks) if len(self._chunks) > 1 else self._chunks[0]
        frames, pos = self._split(buf)
        rest = buf[pos:]
        self._chunks = [rest] if rest else []
        self._size = len(rest)
        return frames

    @property
    def pending(self):
        """Bytes received that do not form a complete frame yet."""
        return self._size

    def _split(self, buf):
        frames = []
        pos, size = 0, len(buf)
        self._need = 1
        while pos < size:
            end = buf.find(b"\n\n", pos)
            if end < 0:
                self._need = size - pos + 1
                break
            headers = _parse_envelope(buf[pos:end])
            body_start = end + 2
            length = headers.get("Content-Length")
            if length is None:
                frames.append(Frame(headers))
                pos = body_start
                continue
            try:
                body_end = body_start + int(length)
            except ValueError:
                raise ProtocolError(f"bad Content-Length {length!r}") from None
            if body_end > size:
                self._need = body_end - pos  # a big body: do not re-frame per chunk
                break
            frames.append(Frame(headers, buf[body_start:body_end]))
            pos = body_end
        return frames, pos


def _first_wins(pairs):
    headers = dict(pairs)
    if len(headers) != len(pairs):
        for name, value in reversed(pairs):
            headers[name] = value
    return headers


def _split_plain(block):
    """Raw (still URL-encoded) header table of a plain event, first value wins."""
    # Plain values are URL-encoded, so ": " and "\n" only ever separate fields.
    parts = block.replace("\n", ": ").split(": ")
    if len(parts) % 2 == 0:
        it = iter(parts)
        pairs = list(zip(it, it))
    else:  # a line without ": " (e.g. "Name:"); take the slow path
        pairs = [(n, v.lstrip()) for n, _, v in (ln.partition(":") for ln in block.split("\n")) if n]
    return _first_wins(pairs)


def _array(values):
    """A JSON list header as plain events carry it: FreeSWITCH's ``ARRAY::a|:b``."""
    return "ARRAY::" + "|:".join(map(str, values))


@functools.lru_cache(maxsize=64)
def _variables_decoder(names):
    """A msgspec decoder that reads only ``names`` out of a JSON event and skips the rest."""
    fields = [(f"f{i}", str | list[str] | None, msgspec.field(default=None, name=name))
              for i, name in enumerate(names)]
    return msgspec.json.Decoder(msgspec.defstruct("Variables", fields))


def _decode(value):
    return unquote(value) if "%" in value else value


class Event:
    """A FreeSWITCH event from a ``text/event-plain`` or ``text/event-json`` frame.

    ``name`` is Event-Name; ``subclass`` is Event-Subclass (set for CUSTOM events);
    ``key`` is ``"CUSTOM callcenter::info"`` for CUSTOM events, else ``name``.
    """

    __slots__ = ("content_type", "raw", "_fields", "_headers", "_body", "_name", "_subclass", "_variables",
                 "_seen")

    def __init__(self, content_type, raw):
        if content_type not in EVENT_TYPES:
            raise ProtocolError(f"not an event frame: {content_type!r}")
        self.content_type = content_type
        self.raw = raw
        self._fields = None  # raw values (plain: URL-encoded)
        self._headers = None  # fully decoded, built on demand
        self._body = None
        self._name = self._subclass = self._variables = self._seen = None

    @classmethod
    def from_frame(cls, frame):
        return cls(frame.content_type, frame.body)

    @classmethod
    def from_headers(cls, headers, body=None, content_type=EVENT_JSON):
        """An event built in memory (tests, re-encoding); headers are decoded values."""
        event = cls(content_type, b"")
        event._fields = event._headers = dict(headers)
        event._body = body
        return event

    @property
    def is_json(self):
        return self.content_type == EVENT_JSON

    # -- cheap fields read straight from the bytes ---------------------------------
    @property
    def name(self):
        if self._name is None:
            self._name = self.get("Event-Name", "")
        return self._name

    @property
    def subclass(self):
        if self._subclass is None:
            self._subclass = self.get("Event-Subclass", "")
        return self._subclass or None

    @property
    def key(self):
        return f"CUSTOM {self.subclass}" if self.name == "CUSTOM" else self.name

    def _variables_start(self):
        if self._variables is None:
            self._variables = max(0, self.raw.find(b'"variable_'))
        return self._variables

    def _remember(self):
        self._seen = {}
        return self._seen

    def _peek(self, header):
        """First value of a simple header without parsing the event; ABSENT when
        it is surely not there; None when only a full parse can tell."""
        if self._fields is not None:
            return None
        raw = self.raw
        if self.is_json:
            # '"name":' can only be a key: inside a value a quote is escaped. Channel variables
            # all come after the first one, so their search starts there.
            key = b'"' + header.encode() + b'":'
            start = raw.find(key, self._variables_start() if header.startswith("variable_") else 0)
            if start < 0:
                return ABSENT
            start += len(key) + 1
            end = raw.find(b'"', start)
            value = raw[start:end]
            if raw[start - 1:start] != b'"' or end < 0 or b"\\" in value:  # a list, or escapes: json decides
                return None
            return value.decode("utf-8", "replace")
        head_end = raw.find(b"\n\n")
        marker = header.encode() + b": "
        if raw.startswith(marker):
            start = len(marker)
        else:
            start = raw.find(b"\n" + marker, 0, head_end if head_end >= 0 else len(raw))
            if start < 0:  # values are URL-encoded: a header line cannot hide
                return ABSENT
            start += len(marker) + 1
        end = raw.find(b"\n", start)
        return _decode(raw[start:end if end >= 0 else len(raw)].decode("utf-8", "replace"))

    def prefetch(self, names):
        """Find these channel variables (``variable_*`` headers, a tuple) in one pass, for
        the ``get()`` calls that follow. A CHANNEL_HANGUP_COMPLETE carries hundreds of them:
        msgspec picking the 20-odd a handler needs, in C, costs a fraction of searching the
        bytes once per name. The variables of an event come from one hash of the channel,
        so a name is never repeated and msgspec's last-wins cannot differ from first-wins."""
        if self._fields is not None or not self.is_json:
            return
        try:
            found = _variables_decoder(names).decode(self.raw)
        except msgspec.MsgspecError:  # a value of another shape: get() reads it the slow way
            return
        seen = self._seen if self._seen is not None else self._remember()
        for name, value in zip(names, msgspec.structs.astuple(found)):
            seen.setdefault(name, ABSENT if value is None else _array(value) if value.__class__ is list else value)

    # -- full parse ------------------------------------------------------------------
    def _parse(self):
        raw = self.raw
        if self.is_json:
            try:
                fields = json.loads(raw)
                # Every key is followed by '":"' or '":[' (values are strings or lists);
                # more of those than keys may mean a repeated key, which json
                # resolves last-wins: then parse again, first-wins.
                if raw.count(b'":"') + raw.count(b'":[') != len(fields):
                    fields = json.loads(raw, object_pairs_hook=_first_wins)
            except ValueError as exc:
                raise ProtocolError(f"bad JSON event: {exc}") from None
            self._body = fields.pop("_body", None)
            arrays = [n for n, v in fields.items() if v.__class__ is list]
            for n in arrays:
                fields[n] = _array(fields[n])
            self._fields = self._headers = fields
            return fields
        head_end = raw.find(b"\n\n")
        head = raw[:head_end] if head_end >= 0 else raw.rstrip(b"\n")
        fields = _split_plain(head.decode("utf-8", "replace"))
        length = fields.pop("Content-Length", None)
        if length is not None and head_end >= 0:
            start = head_end + 2
            self._body = raw[start:start + int(length)].decode("utf-8", "replace")
        self._fields = fields
        return fields

    @property
    def headers(self):
        """All headers, decoded; the first value wins for a repeated header."""
        if self._headers is None:
            fields = self._fields if self._fields is not None else self._parse()
            if self._headers is None:  # plain values only: JSON's come out of _parse decoded
                self._headers = {n: _decode(v) for n, v in fields.items()}
        return self._headers

    @property
    def body(self):
        """The event's own body (e.g. BACKGROUND_JOB output), or None."""
        if self._fields is None:
            self._parse()
        return self._body

    def get(self, header, default=None):
        if self._headers is not None:
            return self._headers.get(header, default)
        if self._fields is None and header != "Content-Length":
            # A handler reads a few headers: finding them beats splitting them all. The
            # handlers of one event ask for some headers more than once: each is found once.
            seen = self._seen if self._seen is not None else self._remember()
            value = seen.get(header)
            if value is None:
                value = self._peek(header)
                if value is not None:
                    seen[header] = value
            if value is ABSENT:
                return default
            if value is not None:
                return value
        fields = self._fields if self._fields is not None else self._parse()
        value = fields.get(header)
        if value is None:
            return default
        return value if self.is_json else _decode(value)

    def __getitem__(self, header):
        value = self.get(header)
        if value is None:
            raise KeyError(header)
        return value

    def __contains__(self, header):
        return self.get(header) is not None

    def get_list(self, header):
        """A multi-value header (``ARRAY::a|:b``) as a list; [] when absent."""
        value = self.get(header)
        if value is None:
            return []
        return value[7:].split("|:") if value.startswith("ARRAY::") else [value]

    def variable(self, name, default=None):
        """A channel variable (``variable_<name>`` header)."""
        return self.get("variable_" + name, default)

    @property
    def uuid(self):
        """The channel's Unique-ID, or None for events without a channel."""
        return self.get("Unique-ID")

    @property
    def job_uuid(self):
        return self.get("Job-UUID")

    @property
    def sequence(self):
        value = self.get("Event-Sequence")
        return int(value) if value else None

    @property
    def timestamp(self):
        """Event-Date-Timestamp in seconds since the epoch (FreeSWITCH sends µs)."""
        value = self.get("Event-Date-Timestamp")
        return int(value) / 1e6 if value else None

    def __repr__(self):
        return f"<Event {self.key} {self.uuid or ''}>"


def encode_frame(headers, body=b""):
    """Serialize one frame; Content-Length is added when there is a body."""
    if isinstance(body, str):
        body = body.encode()
    lines = [f"{name}: {value}" for name, value in headers.items()]
    if body:
        lines.insert(0, f"Content-Length: {len(body)}")
    return ("\n".join(lines) + "\n\n").encode() + body


def encode_event(event, content_type):
    """Re-encode an event as a plain or JSON event frame, the way FreeSWITCH does."""
    headers, body = event.headers, event.body
    if content_type == EVENT_JSON:
        obj = dict(headers)
        if body is not None:
            obj["_body"] = body
        payload = json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()
    else:
        lines = [f"{n}: {quote(str(v), safe='')}" for n, v in headers.items()]
        body_bytes = body.encode() if body else b""
        if body_bytes:
            lines.append(f"Content-Length: {len(body_bytes)}")
        payload = ("\n".join(lines) + "\n\n").encode() + body_bytes
    return encode_frame({"Content-Type": content_type}, payload)
