"""Directory section: each tenant is a SIP domain, each user with an extension a SIP user.

Domain ``t<tenant id>.<SIP_DOMAIN_SUFFIX>`` (e.g. ``t3.pbx.local``), user id = extension.
Gateway and network-list look-ups are answered "not found": the carrier gateway and
the ACLs live in FreeSWITCH's static configuration.
"""
from __future__ import annotations

import re
import threading

from flask import Flask
from lxml import etree

from pbx import metrics
from pbx.switch_text import switch_safe
from pbx.tenancy import sip_domain
from xml_curl.documents import NOT_FOUND, document, params, serialize
from xml_curl.request import CurlRequest
from xml_curl.store import SipUser, Store

EXTENSION = re.compile(r"[0-9]{2,6}")
# How long FreeSWITCH may keep a user in its own cache (milliseconds, attribute
# ``cacheable`` on <user>); ``xml_flush_cache`` clears it sooner.
USER_CACHE_MS = 60_000
# The dial string FreeSWITCH's user/ endpoint uses to reach a registered phone.
DIAL_STRING = ("{^^:sip_invite_domain=${dialed_domain}:presence_id=${dialed_user}@${dialed_domain}}"
               "${sofia_contact(*/${dialed_user}@${dialed_domain})}")


def tenant_of_domain(domain: str, suffix: str) -> int | None:
    pattern = rf"t([1-9][0-9]{{0,9}})\.{re.escape(suffix)}" if suffix else r"t([1-9][0-9]{0,9})"
    match = re.fullmatch(pattern, domain, flags=re.IGNORECASE)
    return int(match[1]) if match else None


def user_document(domain: str, user: SipUser) -> bytes:
    root, section = document("directory")
    domain_el = etree.SubElement(section, "domain", name=domain)
    params(domain_el, "params", {"dial-string": DIAL_STRING})
    users = etree.SubElement(etree.SubElement(etree.SubElement(domain_el, "groups"), "group", name="default"), "users")
    user_el = etree.SubElement(users, "user", id=user.extension, cacheable=str(USER_CACHE_MS))
    params(user_el, "params", {"password": user.sip_password})
    params(user_el, "variables", {
        "user_context": f"tenant_{user.tenant_id}",
        "centralka_tenant": user.tenant_id,
        "centralka_user": user.user_id,
        "effective_caller_id_number": user.extension,
        "effective_caller_id_name": switch_safe(user.full_name),
    }, child="variable")
    return serialize(root)


class Directory:
    """Serves the directory section for one app; remembers users for database outages."""

    def __init__(self, app: Flask, store: Store):
        self.store = store
        self.suffix = app.config["SIP_DOMAIN_SUFFIX"]
        self._last_good: dict[tuple[int, str], bytes] = {}
        self._lock = threading.Lock()

    def _user_key(self, request: CurlRequest) -> tuple[int, str] | None:
        if request.purpose:  # gateways / network-list
            return None
        tenant_id = tenant_of_domain(request.directory_domain, self.suffix)
        if tenant_id is None or not EXTENSION.fullmatch(request.user):
            return None
        return tenant_id, request.user

    def serve(self, request: CurlRequest, deadline: float) -> bytes:
        key = self._user_key(request)
        user = self.store.sip_user(*key) if key else None
        if user is None:
            return NOT_FOUND
        reply = user_document(sip_domain(user.tenant_id, self.suffix), user)
        with self._lock:
            self._last_good[key] = reply
        return reply

    def safe_reply(self, request: CurlRequest) -> bytes:
        stored = self._last_good.get(self._user_key(request) or "")
        if stored is None:
            return NOT_FOUND
        metrics.XML_CURL_LAST_GOOD.labels("directory").inc()
        return stored
