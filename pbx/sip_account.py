"""A user's SIP account as a person setting up a phone needs it: server, user, password, a snippet.

The domain is the one the xml_curl directory serves for the company (``pbx.tenancy.sip_domain``);
the host and port phones register to come from the settings. Seeing or renewing the password
is audited.
"""
from __future__ import annotations

import segno

from pbx import models
from pbx.directory import new_sip_password
from pbx.audit import note
from pbx.extensions import db
from pbx.messages import Message
from pbx.tenancy import sip_domain

class NoSipAccount(Exception):
    """A user without an extension registers no phone."""


def account(user: models.User, config) -> dict:
    """Where and as whom the user's phone registers; never the password."""
    if not user.extension:
        raise NoSipAccount(Message("sip_account.no_extension", name=user.full_name))
    domain = sip_domain(user.tenant_id, config["SIP_DOMAIN_SUFFIX"])
    return {"domain": domain, "host": config["SIP_PUBLIC_HOST"] or domain, "port": config["SIP_PUBLIC_PORT"],
            "transport": config["SIP_TRANSPORT"], "user": user.extension, "display_name": user.full_name}


def reveal(user: models.User, config) -> dict:
    """The account with its password, a softphone snippet and its QR code; audited."""
    facts = {**account(user, config), "password": user.sip_password}
    note(db.session, user, "view", f"viewed the SIP password of {user.full_name}")
    snippet = softphone_snippet(facts)
    return {**facts, "snippet": snippet, "qr_svg": _qr_svg(snippet)}


def reset(user: models.User, config) -> dict:
    """A new strong password; the old one stops working once the switch asks the directory again."""
    account(user, config)
    user.sip_password = new_sip_password()  # audited as a changed secret, without its value
    db.session.flush()
    return reveal(user, config)


def softphone_snippet(facts: dict) -> str:
    """The account in MicroSIP's microsip.ini form, whose fields every softphone asks for by these names."""
    proxy = f"{facts['host']}:{facts['port']}"
    return "\n".join([
        "[Account1]", f"label={facts['display_name']}", f"server={facts['domain']}", f"proxy={proxy}",
        f"domain={facts['domain']}", f"username={facts['user']}", f"authID={facts['user']}",
        f"password={facts['password']}", f"displayName={facts['display_name']}",
        f"transport={facts['transport']}", "",
    ])


def _qr_svg(text: str) -> str:
    return segno.make(text, error="m").svg_inline(scale=4)
