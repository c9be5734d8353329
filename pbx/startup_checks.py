"""Checks ``centralka serve`` runs before it starts anything."""
from __future__ import annotations

import ipaddress

from pbx import instance_secrets
from pbx.config import Config, UnsafeConfiguration, allowed_networks


def settled_config() -> dict:
    """The settings every process will run with: environment, then generated or refused secrets."""
    config = {name: getattr(Config, name) for name in dir(Config) if name.isupper()}
    instance_secrets.settle(config)
    return config


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any address


def refuse_unsafe_serve(host: str, config: dict | None = None) -> None:
    """Raise UnsafeConfiguration, naming the setting, when serving on ``host`` would be unsafe."""
    config = settled_config() if config is None else config
    allowed_networks(config["XML_CURL_ALLOWED"])  # a typo refuses here, not in every worker
    if not config["XML_CURL_PASSWORD"] and not is_loopback(host):
        raise UnsafeConfiguration(
            f"refusing to serve on {host}: CENTRALKA_XML_CURL_PASSWORD is empty, so /xml_curl (dialplans, "
            "queues) would answer anyone who reaches the port. Unset it to use the generated credentials "
            "(`centralka switch credentials`), set a password, or serve on 127.0.0.1")
