"""A company's server on 127.0.0.1 for "Call a server" nodes: it answers, fails, stalls and lies as told."""
from __future__ import annotations

import json
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from pbx.server_call import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign


class CompanyServer:
    """``behave`` is one of: answer, fail, stall, bad_signature, malformed, huge, redirect, unsigned.

    ``answer`` is the JSON answered (signed with ``secret`` over the request id and the body);
    ``asked`` keeps every request as (headers, body bytes).
    """

    def __init__(self, secret: str, tls: tuple[str, str] | None = None):
        self.secret, self.behave, self.answer, self.asked = secret, "answer", {"branch": "sales"}, []
        self.stall_seconds = 3.0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.asked.append((dict(self.headers), body))
                server.respond(self, json.loads(body))

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        scheme = "http"
        if tls is not None:  # (certificate file, key file)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.httpd.server_address[1]}/route"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def respond(self, handler, request: dict) -> None:
        body = json.dumps(self.answer).encode()
        if self.behave == "stall":
            time.sleep(self.stall_seconds)
        elif self.behave == "malformed":
            body = b'{"branch": "sales"'
        elif self.behave == "huge":
            body = json.dumps({"branch": "sales", "pad": "x" * 100_000}).encode()
        status = {"fail": 500, "redirect": 302}.get(self.behave, 200)
        signature = sign(self.secret, request["request_id"], body)
        if self.behave == "bad_signature":
            signature = sign("not-the-key", request["request_id"], body)
        try:
            handler.send_response(status)
            if self.behave == "redirect":
                handler.send_header("Location", "https://example.com/elsewhere")
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(body)))
            if self.behave != "unsigned":
                handler.send_header(SIGNATURE_HEADER, signature)
            handler.end_headers()
            handler.wfile.write(body)
        except OSError:
            pass  # the caller gave up (a stall past its deadline)

    def request(self, index: int = -1) -> tuple[dict, dict]:
        """A request's headers and JSON, after checking it is signed with the key."""
        headers, body = self.asked[index]
        assert headers[SIGNATURE_HEADER] == sign(self.secret, headers[TIMESTAMP_HEADER], body)
        return headers, json.loads(body)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
