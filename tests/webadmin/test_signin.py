"""Sign-in with a one-time code: delivery by e-mail (a real SMTP server on loopback) and SMS (a
recording sender), one live code per address, five guesses, rate limits shared by every worker,
and no way to tell an admin's address from an unknown one."""
from __future__ import annotations

import logging
import re
import statistics
import subprocess
import sys
import time

from flask import current_app
import pytest
from sqlalchemy import select

from pbx import models
from pbx.extensions import db

UNKNOWN = "nikt@nieznana.example"


class RecordingSms:
    """An ``SmsSender`` keeping what it was asked to send."""

    sent: list[tuple[str, str]] = []

    def __init__(self, config):
        self.config = config

    def send(self, number: str, text: str) -> None:
        RecordingSms.sent.append((number, text))


@pytest.fixture(autouse=True)
def task_queue(ctx):
    """Deliveries run at once, inside the request (huey's immediate mode)."""
    from pbx import tasks

    saved = tasks.huey.storage, tasks.huey.immediate, tasks._app
    tasks.bind(ctx)
    tasks.configure("memory", ctx.instance_path)
    yield tasks
    tasks.huey.storage, tasks.huey.immediate, tasks._app = saved


@pytest.fixture
def sms(ctx):
    RecordingSms.sent.clear()
    ctx.config["SMS_BACKEND"] = "tests.webadmin.test_signin.RecordingSms"
    yield RecordingSms.sent
    ctx.config["SMS_BACKEND"] = "log"


@pytest.fixture
def limits(ctx):
    """Restore the rate limits a test changes."""
    saved = {key: ctx.config[key] for key in ("SIGNIN_LIMIT_PER_ADDRESS", "SIGNIN_LIMIT_PER_CLIENT")}
    yield ctx.config
    ctx.config.update(saved)


def _code_in(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def test_code_is_emailed_in_the_company_language_and_signs_in(client, owner, smtp):
    response = client.post("/api/auth/code", json={"email": owner.email.upper()})
    assert response.status_code == 200 and response.get_json() == {"sent": True}
    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert mail["To"] == owner.email and mail["Subject"] == "Kod logowania do Centralki"
    body = mail.get_payload(decode=True).decode()
    assert "jednorazowy kod logowania" in body
    signed = client.post("/api/auth/verify", json={"email": owner.email, "code": _code_in(body)})
    assert signed.status_code == 200 and signed.get_json()["user_id"] == owner.id
    assert client.get("/api/auth/me").get_json()["email"] == owner.email


def test_english_company_gets_the_code_in_english(client, owner, smtp):
    owner.tenant.language = models.Language.EN
    db.session.commit()
    client.post("/api/auth/code", json={"email": owner.email})
    assert smtp.messages[0]["Subject"] == "Your Centralka sign-in code"


def test_unknown_address_gets_the_same_answer_and_no_mail(client, demo, smtp):
    response = client.post("/api/auth/code", json={"email": UNKNOWN})
    assert response.status_code == 200 and response.get_json() == {"sent": True}
    assert smtp.messages == []


def test_non_admins_get_no_code(client, demo, smtp):
    employee = demo.users[1]  # Piotr Nowak, no admin rights
    assert client.post("/api/auth/code", json={"email": employee.email}).get_json() == {"sent": True}
    assert smtp.messages == []


def test_code_by_sms_to_the_admins_phone(client, owner, sms):
    response = client.post("/api/auth/code", json={"phone": "501 234 567"})
    assert response.status_code == 200 and response.get_json() == {"sent": True}
    [(number, text)] = sms
    assert number == owner.phone == "+48501234567" and "kod logowania" in text
    signed = client.post("/api/auth/verify", json={"phone": "+48 501 234 567", "code": _code_in(text)})
    assert signed.status_code == 200 and signed.get_json()["user_id"] == owner.id


def test_sms_to_an_unknown_number_is_not_sent(client, demo, sms):
    assert client.post("/api/auth/code", json={"phone": "+48 600 000 001"}).get_json() == {"sent": True}
    assert sms == []


def test_bad_phone_number_is_named(client, demo):
    response = client.post("/api/auth/code", json={"phone": "12ab"})
    assert response.status_code == 422
    assert response.get_json()["error"] == "'12ab' is not a phone number: letters are not allowed"


def test_a_new_code_replaces_the_old_one(client, owner, smtp):
    for _ in range(2):
        client.post("/api/auth/code", json={"email": owner.email})
    first, second = (_code_in(m.get_payload(decode=True).decode()) for m in smtp.messages)
    if first != second:
        assert client.post("/api/auth/verify", json={"email": owner.email, "code": first}).status_code == 401
    assert client.post("/api/auth/verify", json={"email": owner.email, "code": second}).status_code == 200
    assert db.session.scalar(select(db.func.count()).select_from(models.LoginCode)) == 1


def test_five_wrong_guesses_end_the_code(client, owner):
    from pbx import auth

    with client.application.test_request_context():
        code = auth.request_code(owner.email, current_app.config)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        assert client.post("/api/auth/verify", json={"email": owner.email, "code": wrong}).status_code == 401
    answer = client.post("/api/auth/verify", json={"email": owner.email, "code": code})
    assert answer.status_code == 401 and answer.get_json()["error"] == "wrong or expired code"


def test_the_fifth_guess_may_still_be_right(client, owner):
    from pbx import auth

    with client.application.test_request_context():
        code = auth.request_code(owner.email, current_app.config)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(4):
        client.post("/api/auth/verify", json={"email": owner.email, "code": wrong})
    assert client.post("/api/auth/verify", json={"email": owner.email, "code": code}).status_code == 200


def test_parallel_guesses_share_the_five_attempts(app, ctx, owner, limits):
    """Twelve guesses at once, each in its own thread and connection: five are checked, no more."""
    from concurrent.futures import ThreadPoolExecutor

    from pbx import auth

    limits.update(SIGNIN_LIMIT_PER_CLIENT=100)
    with ctx.test_request_context():
        code = auth.request_code(owner.email, current_app.config)
    guesses = [f"{(int(code) + n) % 10**6:06d}" for n in range(1, 13)]
    email = owner.email

    def guess(value):
        with app.test_client() as client:
            return client.post("/api/auth/verify", json={"email": email, "code": value}).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        assert set(pool.map(guess, guesses)) == {401}
    assert guess(code) == 401
    db.session.expire_all()
    assert db.session.scalars(select(models.LoginCode)).one().attempts == auth.MAX_ATTEMPTS


def test_a_code_signs_in_once(client, owner):
    from pbx import auth

    with client.application.test_request_context():
        code = auth.request_code(owner.email, current_app.config)
    assert client.post("/api/auth/verify", json={"email": owner.email, "code": code}).status_code == 200
    assert client.post("/api/auth/verify", json={"email": owner.email, "code": code}).status_code == 401


def test_codes_are_stored_hashed(client, owner):
    from pbx import auth

    with client.application.test_request_context():
        code = auth.request_code(owner.email, current_app.config)
    row = db.session.scalars(select(models.LoginCode)).one()
    assert code not in row.code_hash and row.address == owner.email


def test_code_requests_per_address_are_limited_with_retry_after(client, owner, limits):
    for _ in range(5):
        assert client.post("/api/auth/code", json={"email": owner.email}).status_code == 200
    refused = client.post("/api/auth/code", json={"email": owner.email}, headers={"Accept-Language": "pl"})
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= limits["SIGNIN_LIMIT_WINDOW_SECONDS"]
    assert refused.get_json()["error"] == "Zbyt wiele prób logowania: odczekaj i spróbuj ponownie."
    assert refused.get_json()["code"] == "auth.too_many_attempts"
    # Another address from the same client is still served.
    assert client.post("/api/auth/code", json={"email": UNKNOWN}).status_code == 200


def test_code_checks_per_client_are_limited(client, owner, limits):
    limits["SIGNIN_LIMIT_PER_CLIENT"] = 3
    for n in range(3):
        assert client.post("/api/auth/verify", json={"email": f"a{n}@x.example", "code": "000000"}).status_code == 401
    refused = client.post("/api/auth/verify", json={"email": "a9@x.example", "code": "000000"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    other = client.post("/api/auth/verify", json={"email": "a9@x.example", "code": "000000"},
                        environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 401


def test_behind_a_proxy_clients_are_told_apart_by_x_forwarded_for(client, owner, limits):
    limits.update(SIGNIN_LIMIT_PER_CLIENT=2, PROXY_HOPS=1)
    try:
        def ask(forwarded):
            return client.post("/api/auth/verify", json={"email": owner.email, "code": "000000"},
                               headers={"X-Forwarded-For": forwarded}).status_code

        assert [ask("203.0.113.5"), ask("198.51.100.1, 203.0.113.5"), ask("203.0.113.5")] == [401, 401, 429]
        assert ask("203.0.113.6") == 401  # another client behind the same proxy
    finally:
        limits["PROXY_HOPS"] = 0


def test_rate_limits_hold_across_worker_processes(ctx, owner, limits):
    """Two applications on one database (as two gunicorn workers) share the counters."""
    from pbx.app import create_app

    other = create_app({key: ctx.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "TESTING",
                                                          "TASK_QUEUE_URL", "SHOW_LOGIN_CODES", "STORAGE_DIR")})
    statuses = []
    for n in range(6):
        app = ctx if n % 2 else other
        with app.test_client() as client:
            statuses.append(client.post("/api/auth/code", json={"email": owner.email}).status_code)
    with other.app_context():
        db.engine.dispose()
    assert statuses == [200] * 5 + [429]


def test_sign_in_accepts_only_json(client, owner):
    response = client.post("/api/auth/code", data=f'{{"email": "{owner.email}"}}', content_type="text/plain")
    assert response.status_code == 415
    assert response.get_json()["error"] == "send JSON (Content-Type: application/json)"


def test_sign_in_from_another_site_is_refused(client, owner):
    """Login CSRF: another site cannot sign the victim's browser in to the attacker's account."""
    from pbx import auth

    with client.application.test_request_context():
        code = auth.request_code(owner.email, current_app.config)
    response = client.post("/api/auth/verify", json={"email": owner.email, "code": code},
                           headers={"Origin": "https://attacker.example"})
    assert response.status_code == 403
    assert "cross-site request refused" in response.get_json()["error"]
    assert db.session.scalar(select(db.func.count()).select_from(models.PanelSession)) == 0


def test_the_code_is_logged_only_when_asked(client, owner, caplog):
    from pbx import auth

    caplog.set_level(logging.WARNING, logger="pbx.auth")
    with client.application.test_request_context():
        auth.request_code(owner.email, current_app.config)
        client.application.config["SHOW_LOGIN_CODES"] = True
        try:
            shown = auth.request_code(owner.email, current_app.config)
            auth.request_code(UNKNOWN, current_app.config)
        finally:
            client.application.config["SHOW_LOGIN_CODES"] = False
    lines = [record.getMessage() for record in caplog.records if record.name == "pbx.auth"]
    # Not the code made while SHOW_LOGIN_CODES was off, nor one for an address nobody has.
    assert lines == [f"sign-in code for {owner.email}: {shown}"]


@pytest.mark.parametrize(("environment", "expected"), [("development", "True False"), ("production", "False True")])
def test_codes_are_printed_only_in_development(environment, expected):
    script = "from pbx.config import Config as C; print(C.SHOW_LOGIN_CODES, C.SECURE_COOKIES)"
    env = {"CENTRALKA_ENV": environment, "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == expected.split()


def test_known_and_unknown_addresses_take_the_same_time(ctx, client, owner, limits, tmp_path, task_queue):
    """Medians of 30 requests each, interleaved so that machine noise hits both alike."""
    tasks = task_queue
    limits.update(SIGNIN_LIMIT_PER_ADDRESS=1000, SIGNIN_LIMIT_PER_CLIENT=1000)
    tasks.configure(f"sqlite:///{tmp_path / 'tasks.sqlite3'}", str(tmp_path))  # as in production
    try:
        timings = {owner.email: [], UNKNOWN: []}
        for _ in range(3):  # warm-up
            for address in timings:
                client.post("/api/auth/code", json={"email": address})
        for _ in range(30):
            for address in timings:
                started = time.perf_counter()
                response = client.post("/api/auth/code", json={"email": address})
                timings[address].append(time.perf_counter() - started)
                assert response.get_json() == {"sent": True}
        assert tasks.huey.pending_count() == 66  # both handed to the queue alike
    finally:
        tasks.configure("memory", str(tmp_path))
    ratio = statistics.median(timings[owner.email]) / statistics.median(timings[UNKNOWN])
    assert 0.5 < ratio < 2, ratio


def redis_away(task_queue, instance_path: str) -> None:
    """The task queue on a Redis that is not there: a loopback port nothing listens on."""
    from tests.support.services import free_port

    task_queue.configure(f"redis://127.0.0.1:{free_port()}/0", instance_path)


def test_with_redis_away_a_code_request_says_so_in_polish_and_the_code_sent_before_still_works(
        client, owner, smtp, task_queue):
    client.post("/api/auth/code", json={"email": owner.email})
    earlier = _code_in(smtp.messages[0].get_payload(decode=True).decode())
    redis_away(task_queue, client.application.instance_path)
    refused = client.post("/api/auth/code", json={"email": owner.email}, headers={"Accept-Language": "pl"})
    assert refused.status_code == 503 and refused.get_json()["code"] == "auth.queue_away"
    assert refused.get_json()["error"].startswith("Nie można teraz wysłać kodu logowania: kolejka zadań nie odpowiada.")
    assert len(smtp.messages) == 1
    signed = client.post("/api/auth/verify", json={"email": owner.email, "code": earlier})
    assert signed.status_code == 200 and signed.get_json()["user_id"] == owner.id


def test_with_redis_away_code_requests_still_count_against_the_limits(client, owner, limits, task_queue):
    redis_away(task_queue, client.application.instance_path)
    limits["SIGNIN_LIMIT_PER_ADDRESS"] = 2
    statuses = [client.post("/api/auth/code", json={"email": owner.email}).status_code for _ in range(3)]
    assert statuses == [503, 503, 429]
    # Nothing was stored for the refused requests: no code to guess.
    assert db.session.scalars(select(models.LoginCode)).all() == []
