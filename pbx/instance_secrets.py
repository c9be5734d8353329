"""Secrets the environment does not give: made once, kept in the instance folder (mode 0600).

The session signing key (``instance/secret-key``) and the credentials FreeSWITCH and Centralka
share (``instance/switch-credentials``: xml_curl, event socket, CDR posting). In production
(``CENTRALKA_ENV=production``) nothing is generated: containers do not share an instance folder,
so every secret comes from the environment, and known or short values are refused.
"""
from __future__ import annotations

import json
import logging
import os
import re
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from pbx.config import UnsafeConfiguration

log = logging.getLogger(__name__)

SECRET_KEY_FILE = "secret-key"
SWITCH_CREDENTIALS_FILE = "switch-credentials"
DEFAULT_ESL_ADDRESS = "127.0.0.1:8021"
MIN_SECRET_KEY = 32
MIN_SWITCH_PASSWORD = 16
# Shipped as defaults or examples somewhere at some time: never a production secret.
KNOWN_SECRETS = {"dev-only-change-me", "change-me", "changeme", "cluecon", "secret", "password",
                 "centralka", "centralka-secret", "freeswitch", "test", "s3cret"}
# FreeSWITCH expands "$${...}" in its configuration and curl splits "user:password" at the colon.
SWITCH_SAFE = re.compile(r"[A-Za-z0-9._~+/=-]+\Z")
NEW_SECRET_HINT = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"


@dataclass(frozen=True)
class SwitchCredentials:
    """What ``instance/switch-credentials`` holds."""

    xml_curl_password: str
    event_socket_password: str
    cdr_password: str

    @classmethod
    def generate(cls) -> SwitchCredentials:
        return cls(*(secrets.token_urlsafe(24) for _ in range(3)))


def settle(config) -> None:
    """Fill every secret left unset (None) in ``config``; refuse unsafe ones (UnsafeConfiguration)."""
    production = config.get("ENVIRONMENT") == "production"
    if production:
        _refuse_weak_production_secrets(config)
        config["CDR_PASSWORD"] = config.get("CDR_PASSWORD") or ""
    _refuse_unsafe_switch_values(config)
    instance = Path(config["INSTANCE_PATH"])
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _read_or_create(instance / SECRET_KEY_FILE, lambda: secrets.token_urlsafe(48))
    elif config["SECRET_KEY"].lower() in KNOWN_SECRETS and not config.get("TESTING"):
        log.warning("CENTRALKA_SECRET_KEY is a published value: anyone can forge a session; unset it "
                    "to use a generated key")
    if any(config.get(name) is None for name in ("XML_CURL_PASSWORD", "ESL_SERVERS", "CDR_PASSWORD")):
        generated = switch_credentials(instance)
        defaults = {"XML_CURL_PASSWORD": generated.xml_curl_password, "CDR_PASSWORD": generated.cdr_password,
                    "ESL_SERVERS": f"{DEFAULT_ESL_ADDRESS}:{generated.event_socket_password}"}
        for name, value in defaults.items():
            if config.get(name) is None:
                config[name] = value


def switch_credentials(instance: Path) -> SwitchCredentials:
    """The generated switch credentials of this instance, made on first use."""
    text = _read_or_create(instance / SWITCH_CREDENTIALS_FILE,
                           lambda: json.dumps(asdict(SwitchCredentials.generate()), indent=2) + "\n")
    return SwitchCredentials(**json.loads(text))


def _read_or_create(path: Path, make) -> str:
    """The file's text; created with ``make()`` when missing. Safe when several processes start at once."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(make())
        try:
            os.link(draft, path)  # fails if another process won the race: then its file is read
            log.warning("generated %s (keep it: it is the same on every restart)", path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)
        log.warning("%s was readable by others; made it 0600", path)
    return path.read_text().strip()


def _is_weak(value: str, minimum: int) -> bool:
    return value.lower() in KNOWN_SECRETS or "change-me" in value.lower() or len(value) < minimum


def _refuse_weak_production_secrets(config) -> None:
    key = config.get("SECRET_KEY")
    if key is None or _is_weak(key, MIN_SECRET_KEY):
        state = "is not set" if key is None else "is a known or short value"
        raise UnsafeConfiguration(
            f"CENTRALKA_SECRET_KEY {state}: production (CENTRALKA_ENV=production) needs a random key "
            f"of at least {MIN_SECRET_KEY} characters, e.g. {NEW_SECRET_HINT}")
    password = config.get("XML_CURL_PASSWORD")
    if password is None or (password and _is_weak(password, MIN_SWITCH_PASSWORD)):
        state = "is not set" if password is None else "is a known or short value"
        raise UnsafeConfiguration(
            f"CENTRALKA_XML_CURL_PASSWORD {state}: production needs a random password of at least "
            f"{MIN_SWITCH_PASSWORD} characters, the same as in FreeSWITCH's xml_curl.conf.xml")
    servers = config.get("ESL_SERVERS")
    if servers is None or any(_is_weak(p, MIN_SWITCH_PASSWORD) for p in _esl_passwords(servers)):
        state = "is not set" if servers is None else "has a known or short password"
        raise UnsafeConfiguration(
            f"CENTRALKA_ESL_SERVERS {state}: production needs host:port:password with a random password "
            f"of at least {MIN_SWITCH_PASSWORD} characters, the same as FreeSWITCH's event_socket_password")
    cdr = config.get("CDR_PASSWORD")
    if cdr and _is_weak(cdr, MIN_SWITCH_PASSWORD):
        raise UnsafeConfiguration(
            f"CENTRALKA_CDR_PASSWORD is a known or short value: use at least {MIN_SWITCH_PASSWORD} random "
            "characters, or leave it unset to turn CDR posting off")


def _refuse_unsafe_switch_values(config) -> None:
    named = [("CENTRALKA_XML_CURL_USER", config.get("XML_CURL_USER")),
             ("CENTRALKA_XML_CURL_PASSWORD", config.get("XML_CURL_PASSWORD")),
             ("CENTRALKA_CDR_USER", config.get("CDR_USER")), ("CENTRALKA_CDR_PASSWORD", config.get("CDR_PASSWORD"))]
    named += [("CENTRALKA_ESL_SERVERS", p) for p in _esl_passwords(config.get("ESL_SERVERS") or "")]
    for setting, value in named:
        if value and not SWITCH_SAFE.match(value):
            raise UnsafeConfiguration(
                f"{setting} may only hold letters, digits and . _ ~ + / = - (FreeSWITCH's configuration "
                "would expand or split anything else)")


def _esl_passwords(servers: str) -> list[str]:
    return [item.split(":", 2)[2] for item in servers.split(",") if item.count(":") >= 2]
