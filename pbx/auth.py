"""Sign-in with a one-time code sent to an admin's e-mail address or phone (SMS).

A code is kept per address whether or not an admin has it, so a request does the same work
either way; delivery is looked up later, in the task queue. A new code replaces the old one, and
each code takes at most ``MAX_ATTEMPTS`` guesses. ``config`` is the app's settings (SECRET_KEY,
LOGIN_CODE_TTL_SECONDS, SHOW_LOGIN_CODES, SMTP and SMS), passed by the view or task.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import smtplib
from datetime import timedelta
from email.message import EmailMessage

from sqlalchemy import delete, or_, select, update

from pbx import models, sms
from pbx.calls.store import aware
from pbx.extensions import db
from pbx.voicemail import send as send_email

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5

TEXT = {
    "pl": {"subject": "Kod logowania do Centralki",
           "body": "Twój jednorazowy kod logowania do panelu Centralki: {code}\n\n"
                   "Kod jest ważny {minutes} min. Jeśli to nie Ty prosiłeś o kod, zignoruj tę wiadomość.\n",
           "sms": "Centralka: kod logowania {code} (ważny {minutes} min)."},
    "en": {"subject": "Your Centralka sign-in code",
           "body": "Your one-time code for the Centralka panel: {code}\n\n"
                   "It is valid for {minutes} min. If you did not ask for it, ignore this message.\n",
           "sms": "Centralka: sign-in code {code} (valid {minutes} min)."},
}


def is_phone(address: str) -> bool:
    return address.startswith("+")


def normalise(address: str) -> str:
    """E-mail addresses in lower case; phone numbers arrive already in E.164."""
    return address.strip() if is_phone(address.strip()) else address.strip().lower()


def _hash(address: str, code: str, config) -> str:
    key = config["SECRET_KEY"].encode()
    return hmac.new(key, f"{address}\n{code}".encode(), hashlib.sha256).hexdigest()


def admins(address: str) -> list[models.User]:
    """Who may sign in with ``address``: admins, and receptionists (who see only the reception page)."""
    column = models.User.phone if is_phone(address) else models.User.email
    may_sign_in = or_(models.User.admin_level > 0, models.User.receptionist.is_(True))
    return list(db.session.scalars(
        select(models.User).where(column == address, may_sign_in).order_by(models.User.id)))


def request_code(address: str, config, deliver=None) -> str:
    """A new code for ``address`` (replacing any older one); the same work whether or not it is an admin's.

    ``deliver(address, code)`` queues its delivery before the code is stored: when it raises, the
    older code stays as it was, still usable.
    """
    address = normalise(address)
    code = f"{secrets.randbelow(10**6):06d}"
    known = bool(admins(address))
    db.session.execute(delete(models.LoginCode).where(models.LoginCode.address == address))
    expires = models.utcnow() + timedelta(seconds=config["LOGIN_CODE_TTL_SECONDS"])
    db.session.add(models.LoginCode(address=address, code_hash=_hash(address, code, config), expires_at=expires,
                                    attempts=0))
    if deliver is not None:
        try:
            deliver(address, code)
        except Exception:
            db.session.rollback()
            raise
    db.session.commit()
    if known and config["SHOW_LOGIN_CODES"]:
        log.warning("sign-in code for %s: %s", address, code)
    return code


def verify_code(address: str, code: str, config) -> models.User | None:
    """The admin signing in, or None; every guess, right or wrong, uses up one of the code's attempts."""
    address = normalise(address)
    login = db.session.scalars(select(models.LoginCode).where(models.LoginCode.address == address)
                               .order_by(models.LoginCode.id.desc()).limit(1)).first()
    if login is None or aware(login.expires_at) < models.utcnow():
        return None
    table = models.LoginCode.__table__
    live = (table.c.id == login.id) & table.c.used_at.is_(None)
    # The guess is counted before it is checked, in one conditional statement, so parallel
    # requests in several workers cannot check more than MAX_ATTEMPTS guesses between them.
    counted = db.session.execute(update(table).where(live, table.c.attempts < MAX_ATTEMPTS)
                                 .values(attempts=table.c.attempts + 1))
    db.session.commit()
    if counted.rowcount != 1 or not hmac.compare_digest(login.code_hash, _hash(address, code.strip(), config)):
        return None
    used = db.session.execute(update(table).where(live).values(used_at=models.utcnow()))
    db.session.commit()
    found = admins(address) if used.rowcount == 1 else []
    return found[0] if found else None


def prune() -> int:
    """Forget codes that expired more than a day ago; returns how many."""
    table = models.LoginCode.__table__
    gone = db.session.execute(delete(table).where(table.c.expires_at < models.utcnow() - timedelta(days=1)))
    db.session.commit()
    return gone.rowcount


def deliver(address: str, code: str, config) -> bool:
    """E-mail or text the code to ``address`` if an admin has it, in the company's language."""
    found = admins(address)
    if not found:
        return False
    language = getattr(found[0].tenant.language, "value", "pl")
    values = {"code": code, "minutes": config["LOGIN_CODE_TTL_SECONDS"] // 60}
    text = TEXT.get(language, TEXT["pl"])
    try:
        if is_phone(address):
            sms.sender(config).send(address, text["sms"].format(**values))
        else:
            _email(address, text["subject"], text["body"].format(**values), config)
    except (OSError, smtplib.SMTPException) as error:
        # Not retried: the code expires soon and the admin can ask for a new one.
        log.warning("sign-in code for %s not delivered: %s", address, error)
        return False
    return True


def _email(address: str, subject: str, body: str, config) -> None:
    message = EmailMessage()
    message["From"] = config["SMTP_SENDER"]
    message["To"] = address
    message["Subject"] = subject
    message.set_content(body)
    send_email(message, config)
