"""Sign-in with a one-time code sent to the admin's e-mail."""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from pbx import models
from pbx.extensions import db

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def _hash(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def request_code(email: str) -> str | None:
    """Create a code for every admin with this address; returns it (None when unknown).

    The caller must not reveal to the requester whether the address exists.
    """
    admins = db.session.scalars(
        select(models.User).where(models.User.email == email.strip().lower(), models.User.admin_level > 0)
    ).all()
    if not admins:
        return None
    code = f"{secrets.randbelow(10**6):06d}"
    expires = models.utcnow() + timedelta(seconds=current_app.config["LOGIN_CODE_TTL_SECONDS"])
    for admin in admins:
        db.session.add(models.LoginCode(user_id=admin.id, code_hash=_hash(code), expires_at=expires))
    db.session.commit()
    if current_app.config["SHOW_LOGIN_CODES"]:
        log.warning("sign-in code for %s: %s", email, code)
    return code


def verify_code(email: str, code: str) -> models.User | None:
    now = models.utcnow()
    rows = db.session.execute(
        select(models.LoginCode, models.User)
        .join(models.User, models.User.id == models.LoginCode.user_id)
        .where(models.User.email == email.strip().lower(), models.LoginCode.used_at.is_(None))
        .order_by(models.LoginCode.id.desc())
    ).all()
    wanted = _hash(code.strip())
    for login, user in rows:
        expires = login.expires_at if login.expires_at.tzinfo else login.expires_at.replace(tzinfo=now.tzinfo)
        if expires < now or login.attempts >= MAX_ATTEMPTS:
            continue
        if hmac.compare_digest(login.code_hash, wanted):
            login.used_at = now
            db.session.commit()
            return user
        login.attempts += 1
    db.session.commit()
    return None
