"""Sign-in with a one-time code, sessions, and the guards every other view uses.

Every state-changing request (POST, PUT, PATCH, DELETE) except the switches' own endpoints must
come from this site (``Origin`` / ``Sec-Fetch-Site``), and one signed in with a session cookie
must carry the session's CSRF token in ``X-CSRF-Token`` (the panel reads it from the
``centralka_csrf`` cookie; ``/api/auth/verify`` and ``/api/auth/me`` return it too). Requests
with an API token (``Authorization: Bearer``) need neither: browsers never send one by themselves.
"""
from __future__ import annotations

import functools
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, g, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import TooManyRequests

from pbx import api_tokens, auth, models, ratelimit, tasks
from pbx.audit import acting_as
from pbx.extensions import db
from pbx.messages import Message
from pbx.sessions import digest, end_all
from schemas.fields import normalise_phone
from webadmin import sessions
from webadmin.common import error_json

bp = Blueprint("auth", __name__, url_prefix="/api/auth")

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# FreeSWITCH's endpoints: no browser, their own credentials.
SWITCH_BLUEPRINTS = {"xml_curl", "cdr_post"}
CROSS_SITE = Message("auth.cross_site")


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header[:7].lower() == "bearer " else None


def _own_origin(origin: str) -> bool:
    return origin in current_app.config["TRUSTED_ORIGINS"] or (
        origin != "null" and urlsplit(origin).netloc == request.host)


@bp.before_app_request
def refuse_cross_site():
    """Browsers say where a request comes from; a change from another site is refused."""
    if request.method in SAFE_METHODS or request.blueprint in SWITCH_BLUEPRINTS or _bearer() is not None:
        return
    site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if (site and site not in ("same-origin", "none")) or (origin is not None and not _own_origin(origin)):
        abort(403, CROSS_SITE)


def _principal() -> tuple[models.User, str]:
    """Who makes this request and how the audit log names them: an API token, else the session."""
    token = _bearer()
    if token is not None:
        record = api_tokens.authenticate(token)
        if record is None:
            abort(401, Message("token.not_valid"))
        if record.scope != "full" and request.method not in SAFE_METHODS:
            abort(403, Message("token.read_only"))
        owner = db.session.get(models.User, record.created_by_id)
        return owner, f"{owner.email} (API token {record.name})"[:254]
    record = sessions.current()
    if record is None:
        abort(401, Message("auth.sign_in_first"))
    if request.method not in SAFE_METHODS and not sessions.csrf_ok():
        abort(403, Message("auth.csrf"))
    user = db.session.get(models.User, record.user_id)
    return user, user.email


def signed_in(min_level: int = 1):
    """Require a signed-in admin of at least ``min_level`` (1 view, 2 edit, 3 owner; 0: anyone who
    may sign in, receptionists too).

    Sets ``g.user`` and ``g.tenant``; changes made in the view are audited under the admin's e-mail.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            user, actor = _principal()
            if user.admin_level < min_level:
                abort(403, Message("auth.rights"))
            g.user, g.tenant = user, user.tenant
            with acting_as(actor):
                return view(*args, **kwargs)

        wrapper.admin_level = min_level  # the API document names it
        return wrapper

    return decorator


def _address(body: dict) -> str:
    """The e-mail address or phone number the admin signs in with, as stored."""
    email, phone = body.get("email"), body.get("phone")
    if isinstance(phone, str) and phone.strip():
        try:
            return normalise_phone(phone)
        except ValidationError as error:
            abort(422, error.messages[0])
    if not isinstance(email, str) or "@" not in email:
        abort(422, Message("auth.address_required"))
    return auth.normalise(email)


def _json_body() -> dict:
    # A form or text/plain post (what another site can send without asking) is never accepted.
    if not request.is_json:
        abort(415, Message("request.json"))
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def client_address() -> str:
    """The client's address; behind ``PROXY_HOPS`` proxies, the one the outermost proxy saw."""
    hops = current_app.config["PROXY_HOPS"]
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
    return forwarded[-hops] if 0 < hops <= len(forwarded) else request.remote_addr or ""


def _limit(kind: str, address: str, per_address: int) -> None:
    """Count the request per sign-in address and per client; 429 over either limit."""
    config = current_app.config
    window = config["SIGNIN_LIMIT_WINDOW_SECONDS"]
    for key, limit in ((f"{kind}:address:{digest(address)[:40]}", per_address),
                       (f"{kind}:client:{client_address()}", config["SIGNIN_LIMIT_PER_CLIENT"])):
        wait = ratelimit.hit(key, limit, window)
        if wait is not None:
            raise TooManyRequests(Message("auth.too_many_attempts"), retry_after=wait)


@bp.app_errorhandler(TooManyRequests)
def too_many(error: TooManyRequests):
    response = error_json(error.description)
    response.status_code = 429
    response.headers["Retry-After"] = str(error.retry_after)
    return response


@bp.post("/code")
def request_code():
    """Send a one-time sign-in code to an admin's e-mail address or phone ({"email"} or {"phone"})."""
    address = _address(_json_body())
    _limit("code", address, current_app.config["SIGNIN_LIMIT_PER_ADDRESS"])
    # Delivery looks the address up in the task queue, so the answer and its time are the same
    # whether or not the address is an admin's. The limits above are counted in the database
    # first: a queue that is away refuses the request, it never lifts them.
    try:
        auth.request_code(address, current_app.config,
                          deliver=lambda to, code: tasks.enqueue(tasks.deliver_login_code.s(to, code)))
    except tasks.QueueDown:
        abort(503, Message("auth.queue_away"))
    return jsonify(sent=True)


@bp.post("/verify")
def verify():
    """Sign in with the one-time code ({"email" or "phone", "code"}): sets the session and CSRF cookies."""
    body = _json_body()
    code = body.get("code", "")
    if not isinstance(code, str) or not code.strip():
        abort(422, Message("auth.code_required"))
    address = _address(body)
    # Every code allowed in a window may take all its guesses.
    _limit("verify", address, current_app.config["SIGNIN_LIMIT_PER_ADDRESS"] * auth.MAX_ATTEMPTS)
    user = auth.verify_code(address, code, current_app.config)
    if user is None:
        abort(401, Message("auth.wrong_code"))
    session_id = sessions.start(user)
    response = jsonify(user_id=user.id, tenant=user.tenant.name, csrf_token=sessions.csrf_token(session_id))
    sessions.set_cookies(response, session_id)
    return response


@bp.post("/logout")
def logout():
    """End this browser's session at once (a copy of its cookie stops working too)."""
    if sessions.current() is not None and not sessions.csrf_ok():
        abort(403, Message("auth.csrf"))
    sessions.end()
    response = jsonify(signed_out=True)
    sessions.clear_cookies(response)
    return response


@bp.post("/logout-everywhere")
@signed_in(0)
def logout_everywhere():
    """End every session of the signed-in admin, on every device."""
    ended = end_all(g.user.id)
    response = jsonify(signed_out=True, sessions_ended=ended)
    sessions.clear_cookies(response)
    return response


@bp.get("/me")
@signed_in(0)
def me():
    """Who is signed in, with which rights, in which company: the panel adapts to it."""
    return jsonify(user_id=g.user.id, name=g.user.full_name, email=g.user.email, admin_level=g.user.admin_level,
                   receptionist=g.user.receptionist,
                   tenant={"name": g.tenant.name, "language": g.tenant.language.value,
                           "timezone": g.tenant.timezone},
                   csrf_token=sessions.csrf_token() if _bearer() is None else None)
