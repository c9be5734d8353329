"""The reception page: the company's calls live (server-sent events) and the receptionist's actions on them.

A stream holds one of the panel's worker threads while the page is open (gunicorn's gthread
workers, pbx/web_server.py), so each worker process serves at most ``RECEPTION_STREAMS`` of them
and answers 503 beyond that (the page then asks again a little later); each stream ends after
``RECEPTION_STREAM_SECONDS`` and the browser opens the next one at once, which also checks the
sign-in and the right again. A stream sends only when the board changed, with a comment line
between (so proxies keep it open); a client that stops reading loses its stream after
``SEND_TIMEOUT`` seconds instead of holding the thread. No request body is read, so the
slow-client protection of request bodies (pbx/slow_clients.py) has nothing to wait for.
"""
from __future__ import annotations

import functools
import json
import threading
import time

from flask import Blueprint, Response, abort, current_app, g, jsonify, request

from pbx.audit_words import phone_words
from pbx.reception import actions
from pbx.esl import commands
from pbx.messages import Message, in_language, language_of
from pbx.reception.board import Company, board, caller_of, own_leg
from pbx.reception.switches import for_app

from webadmin.auth import signed_in
from webadmin.common import body

bp = Blueprint("reception", __name__, url_prefix="/api/reception")

HEARTBEAT_SECONDS = 15.0
SEND_TIMEOUT = 10.0
STATUS_DONE = {"available": "reception.available", "logged_out": "reception.logged_out",
               "on_break": "reception.on_a_break"}
_open_streams = {"count": 0}
_streams_lock = threading.Lock()


def receptionist(view):
    """Signed in (an admin or not) with the receptionist right; sets ``g.user`` and ``g.tenant``."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not g.user.receptionist:
            abort(403, Message("reception.not_receptionist"))
        return view(*args, **kwargs)

    guarded = signed_in(0)(wrapper)
    guarded.receptionist = True  # the API document names it
    return guarded


def _board() -> dict:
    app = current_app._get_current_object()
    return board(g.tenant.id, for_app(app).now(), app.config["SIP_DOMAIN_SUFFIX"])


@bp.get("")
@receptionist
def show():
    """The board once: callers waiting, calls ringing and talking, users' states."""
    return jsonify(_board())


def _take_stream_slot(limit: int) -> bool:
    with _streams_lock:
        if _open_streams["count"] >= limit:
            return False
        _open_streams["count"] += 1
        return True


def _free_stream_slot() -> None:
    with _streams_lock:
        _open_streams["count"] -= 1


@bp.get("/stream")
@receptionist
def stream():
    """The board as server-sent events: one ``data:`` line each time it changes."""
    app = current_app._get_current_object()
    if not _take_stream_slot(app.config["RECEPTION_STREAMS"]):
        abort(503, Message("reception.too_many_pages"))
    client = request.environ.get("gunicorn.socket")
    if client is not None:
        client.settimeout(SEND_TIMEOUT)
    tenant_id, suffix, view = g.tenant.id, app.config["SIP_DOMAIN_SUFFIX"], for_app(app)
    ends = time.monotonic() + app.config["RECEPTION_STREAM_SECONDS"]

    def events():
        yield "retry: 2000\n\n"
        last, sent_at = None, time.monotonic()
        while time.monotonic() < ends:
            with app.app_context():
                content = board(tenant_id, view.now(), suffix)
            if content != last:
                last, sent_at = content, time.monotonic()
                yield f"data: {json.dumps({**content, 'now': time.time()})}\n\n"
            elif time.monotonic() - sent_at >= HEARTBEAT_SECONDS:
                sent_at = time.monotonic()
                yield ": still here\n\n"
            time.sleep(max(view.seconds, 0.2))

    response = Response(events(), mimetype="text/event-stream",
                        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
    response.call_on_close(_free_stream_slot)
    return response


def _done(message: Message):
    """What was done, in the request's language, with its code and parameters as errors have them."""
    return jsonify(done=True, message=in_language(message, language_of(request.accept_languages)),
                   **message.as_json())


def _refused(refused: actions.Refused):
    abort(refused.status, refused.message)


def _act_on_call(uuid: str, what: str, destination: actions.Destination | None, command_of, message: Message,
                 leg: str | None = None):
    view = for_app(current_app._get_current_object())
    words = {"name": phone_words(caller_of(view.now(), uuid)) or "—"}
    if destination is not None:
        words["to"] = destination.words
    try:
        actions.on_call(view.switches, g.tenant.id, uuid, command_of, what, words, leg)
    except actions.Refused as refused:
        _refused(refused)
    return _done(message)


def _target() -> actions.Destination:
    target = body()
    return _destination(lambda: actions.destination(g.tenant.id, {k: target.get(k) for k in
                                                                   ("user", "group", "extension", "number")}))


def _destination(make) -> actions.Destination:
    try:
        return make()
    except actions.Refused as refused:
        _refused(refused)


@bp.post("/calls/<uuid>/pickup")
@receptionist
def pick_up(uuid):
    """Send a waiting or ringing call to the receptionist's own phone (extension, else mobile)."""
    to = _destination(lambda: actions.own_phone(g.user))
    gateway = current_app.config["CARRIER_GATEWAY"]
    return _act_on_call(uuid, "pickup", to, lambda call: to.command(call, g.tenant.id, gateway),
                        Message("reception.on_its_way"))


@bp.post("/calls/<uuid>/transfer")
@receptionist
def transfer(uuid):
    """Blind transfer to {"user": id}, {"group": id}, {"extension": "105"} or {"number": "+48..."}."""
    to, gateway = _target(), current_app.config["CARRIER_GATEWAY"]
    return _act_on_call(uuid, "transfer", to, lambda call: to.command(call, g.tenant.id, gateway),
                        Message("reception.transferred", target=to.words))


@bp.post("/calls/<uuid>/announce")
@receptionist
def announce(uuid):
    """Announced (attended) transfer of a call the receptionist talks on, to a user, group, extension or number.

    The receptionist's phone dials the target while the caller holds; hanging up joins them, ``#``
    on the phone goes back to the caller.
    """
    to, gateway = _target(), current_app.config["CARRIER_GATEWAY"]
    app = current_app._get_current_object()
    leg = own_leg(Company(g.tenant.id, app.config["SIP_DOMAIN_SUFFIX"]), for_app(app).now(), uuid, g.user.id)
    if leg is None:
        abort(409, Message("reception.not_talking"))
    return _act_on_call(uuid, "announce", to, lambda channel: to.announced(channel, g.tenant.id, gateway),
                        Message("reception.announcing", target=to.words), leg)


@bp.post("/calls/<uuid>/voicemail")
@receptionist
def to_voicemail(uuid):
    """The caller leaves a message in {"box": id}."""
    to = _destination(lambda: actions.destination(g.tenant.id, {"box": body().get("box")}))
    return _act_on_call(uuid, "voicemail", to, lambda call: to.command(call, g.tenant.id, ""),
                        Message("reception.to_voicemail", box=to.words))


@bp.post("/calls/<uuid>/hangup")
@receptionist
def hang_up(uuid):
    """End the call."""
    return _act_on_call(uuid, "hangup", None, commands.hang_up, Message("reception.ended"))


@bp.post("/agents/<agent>/status")
@receptionist
def agent_status(agent):
    """Log a user in to or out of a queue, or pause them: {"status": "available" | "logged_out" | "on_break"}."""
    status = body().get("status")
    try:
        user, queue = actions.agent_of(g.tenant.id, agent)
        queue_name = Company(g.tenant.id, current_app.config["SIP_DOMAIN_SUFFIX"]).queue_name(queue)
        actions.set_agent_status(for_app(current_app._get_current_object()).switches, g.tenant.id, agent,
                                 status, {"name": f"{user.full_name} → {queue_name}", "queue": queue_name})
    except actions.Refused as refused:
        _refused(refused)
    return _done(Message(STATUS_DONE[status], user=user.full_name, queue=queue_name))
