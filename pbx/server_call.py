"""Asking a company's own server what to do with a call ("wywołaj serwer"): one signed POST within a
strict deadline, its answer checked strictly.

The request: JSON, headers ``X-Centralka-Timestamp`` (Unix seconds) and ``X-Centralka-Signature:
sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>``. The answer must be signed the same way over
``"<request_id>." + its body`` (``request_id`` is in the request), so an answer seen once cannot be
replayed to another call. Only HTTPS to public addresses: the address is resolved once, checked, and
connected to as resolved (a DNS answer cannot point a second look-up inside). No redirects, at most
``MAX_REPLY_BYTES``. Every failure is a ``Failed`` with a short reason that goes into the call path.
"""
from __future__ import annotations

import hashlib
import hmac
import http.client
import io
import ipaddress
import json
import re
import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_REPLY_BYTES = 16 * 1024
MAX_HEAD_BYTES = 8 * 1024
TIMESTAMP_HEADER, SIGNATURE_HEADER = "X-Centralka-Timestamp", "X-Centralka-Signature"
ANSWER_NAME = re.compile(r"[a-z][a-z0-9_]{0,19}")
EXTENSION = re.compile(r"[0-9]{2,6}")
NUMBER = re.compile(r"\+[1-9][0-9]{6,14}")  # as pbx.compiler.internal.OUTBOUND_FORMS reach the carrier
TARGETS = ("user", "group", "number")
# DNS look-ups have no timeout of their own: they run here and are waited for until the deadline.
_resolver = ThreadPoolExecutor(max_workers=4, thread_name_prefix="server-call-dns")


class Failed(Exception):
    """The server gave no usable answer; ``reason`` names why (it goes into the call path)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class Answer:
    """A branch name (``kind`` "branch") or a target ("user" / "group": an extension, "number": E.164)."""

    kind: str
    value: str


def sign(secret: str, prefix: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), prefix.encode() + b"." + body, hashlib.sha256).hexdigest()


def check_url(url: str, *, loopback_http: bool = False) -> str | None:
    """Why a node's URL cannot be asked (a reason), else None. ``loopback_http``: tests and development."""
    if not url.isascii() or any(c.isspace() or not c.isprintable() for c in url):
        return "bad_url"  # it goes into the request line as it is (a name in IDNA, the rest percent-encoded)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return "bad_url"
    if not parts.hostname or parts.username or parts.password:
        return "bad_url"
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and loopback_http and _is_loopback_name(parts.hostname):
        return None
    return "not_https"


def _is_loopback_name(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _public(address: str, loopback_allowed: bool) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    ip = getattr(ip, "ipv4_mapped", None) or ip
    if loopback_allowed and ip.is_loopback:
        return True
    return ip.is_global and not ip.is_multicast


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise Failed("timeout")
    return left


def _resolve(host: str, port: int, deadline: float, loopback_allowed: bool) -> list[tuple]:
    future = _resolver.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        found = future.result(timeout=_remaining(deadline))
    except FutureTimeout:
        raise Failed("timeout", "resolving the address") from None
    except OSError as error:
        raise Failed("unreachable", str(error)) from None
    # Every address must be public: a name resolving to one inside as well is refused whole.
    if not found or not all(_public(info[4][0], loopback_allowed) for info in found):
        raise Failed("refused_address", host)
    return found


def _connect(found: list[tuple], deadline: float) -> socket.socket:
    last = None
    for family, kind, proto, _, address in found:
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(_remaining(deadline))
            sock.connect(address)
            return sock
        except TimeoutError:
            sock.close()
            raise Failed("timeout", "connecting") from None
        except OSError as error:
            sock.close()
            last = error
    raise Failed("unreachable", str(last))


def _read_all(sock: socket.socket, deadline: float) -> bytes:
    """The whole reply (the request asked the server to close), each wait cut at the deadline."""
    chunks, size = [], 0
    while True:
        sock.settimeout(_remaining(deadline))
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            raise Failed("timeout", "waiting for the answer") from None
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_REPLY_BYTES + MAX_HEAD_BYTES:
            raise Failed("too_big")
        chunks.append(chunk)


class _Bytes:
    def __init__(self, data: bytes):
        self.data = data

    def makefile(self, *args, **kwargs):
        return io.BytesIO(self.data)


def _parse(raw: bytes) -> tuple[int, http.client.HTTPMessage, bytes]:
    response = http.client.HTTPResponse(_Bytes(raw))
    try:
        response.begin()
        body = response.read()
    except (http.client.HTTPException, ValueError) as error:
        raise Failed("bad_reply", type(error).__name__) from None
    return response.status, response.headers, body


def _tls(sock: socket.socket, host: str, deadline: float) -> ssl.SSLSocket:
    sock.settimeout(_remaining(deadline))
    try:
        return ssl.create_default_context().wrap_socket(sock, server_hostname=host)
    except TimeoutError:
        raise Failed("timeout", "TLS handshake") from None
    except (ssl.SSLError, OSError) as error:
        raise Failed("tls", str(error)) from None


def _request(parts, body: bytes, secret: str, stamp: str) -> bytes:
    target = (parts.path or "/") + ("?" + parts.query if parts.query else "")
    head = (f"POST {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nUser-Agent: Centralka\r\n"
            f"Content-Type: application/json\r\nAccept: application/json\r\nContent-Length: {len(body)}\r\n"
            f"Connection: close\r\n{TIMESTAMP_HEADER}: {stamp}\r\n{SIGNATURE_HEADER}: {sign(secret, stamp, body)}\r\n\r\n")
    return head.encode("ascii") + body


def _exchange(parts, request: bytes, deadline: float, loopback_http: bool) -> bytes:
    """The raw reply to ``request`` (connection closed by the server), within the deadline."""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    sock = _connect(_resolve(parts.hostname, port, deadline, loopback_allowed=loopback_http), deadline)
    try:
        if parts.scheme == "https":
            sock = _tls(sock, parts.hostname, deadline)
        sock.settimeout(_remaining(deadline))
        try:
            sock.sendall(request)
        except TimeoutError:
            raise Failed("timeout", "sending") from None
        return _read_all(sock, deadline)
    except OSError as error:
        raise Failed("unreachable", str(error)) from None
    finally:
        sock.close()


def post(url: str, payload: dict, secret: str, deadline: float, *, loopback_http: bool = False,
         now=time.time) -> bytes:
    """POST ``payload`` signed; the answer's body once its status and signature are right."""
    reason = check_url(url, loopback_http=loopback_http)
    if reason:
        raise Failed(reason, url)
    parts = urlsplit(url)
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    raw = _exchange(parts, _request(parts, body, secret, str(int(now()))), deadline, loopback_http)
    status, headers, answer = _parse(raw)
    if 300 <= status < 400:
        raise Failed("redirect", str(status))
    if not 200 <= status < 300:
        raise Failed("status", str(status))
    if len(answer) > MAX_REPLY_BYTES:
        raise Failed("too_big")
    given = headers.get(SIGNATURE_HEADER, "")
    if not hmac.compare_digest(given.encode(), sign(secret, payload["request_id"], answer).encode()):
        raise Failed("bad_signature")
    return answer


def read_answer(body: bytes, answers: set[str], targets: set[str], extensions: dict[str, str]) -> Answer:
    """``{"branch": name}`` or ``{"target": {"user"|"group"|"number": value}}``, nothing else.

    ``extensions``: the company's extensions and whether each is a "user" or a "group".
    """
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Failed("bad_json") from None
    if not isinstance(data, dict) or len(data) != 1:
        raise Failed("bad_answer")
    if "branch" in data:
        name = data["branch"]
        if not isinstance(name, str) or not ANSWER_NAME.fullmatch(name):
            raise Failed("bad_answer")
        if name not in answers:
            raise Failed("unknown_branch")
        return Answer("branch", name)
    target = data.get("target")
    if not isinstance(target, dict) or len(target) != 1:
        raise Failed("bad_answer")
    (kind, value), = target.items()
    if kind not in TARGETS or not isinstance(value, str):
        raise Failed("bad_answer")
    if kind not in targets:
        raise Failed("target_not_allowed")
    if kind == "number":
        if not NUMBER.fullmatch(value):
            raise Failed("bad_answer")
        return Answer(kind, value)
    if not EXTENSION.fullmatch(value):
        raise Failed("bad_answer")
    if extensions.get(value) != kind:
        raise Failed("unknown_target")
    return Answer(kind, value)
