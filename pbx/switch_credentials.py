"""What FreeSWITCH needs to reach Centralka: the settled credentials, as text and as its vars file.

``freeswitch/vars.xml`` includes ``centralka_credentials.xml`` from the switch's configuration
directory; that file is printed by ``centralka switch credentials --freeswitch-vars``, so the
switch and the app always hold the same values (xml_curl, event socket, CDR posting).
"""
from __future__ import annotations

import os
from pathlib import Path

from lxml import etree

from pbx.instance_secrets import SWITCH_CREDENTIALS_FILE

VARS_FILE = "centralka_credentials.xml"
# The global variables freeswitch/ reads, and the settings each comes from.
XML_CURL_VARIABLE = "centralka_xml_curl_credentials"
CDR_VARIABLE = "centralka_cdr_credentials"
EVENT_SOCKET_VARIABLE = "event_socket_password"


def event_socket_password(config) -> str:
    """The password of the first switch in ESL_SERVERS (the one this vars file is for)."""
    first = config["ESL_SERVERS"].split(",")[0].strip()
    return first.split(":", 2)[2] if first.count(":") >= 2 else ""


def freeswitch_variables(config) -> dict[str, str]:
    return {XML_CURL_VARIABLE: f"{config['XML_CURL_USER']}:{config['XML_CURL_PASSWORD']}",
            CDR_VARIABLE: f"{config['CDR_USER']}:{config['CDR_PASSWORD']}",
            EVENT_SOCKET_VARIABLE: event_socket_password(config)}


def freeswitch_vars_document(config) -> str:
    root = etree.Element("include")
    # No pre-processor command words in this comment (FreeSWITCH acts on them even there), no "--" (XML).
    root.append(etree.Comment(" Centralka's credentials, printed by centralka switch credentials (option "
                              "freeswitch-vars). Readable by FreeSWITCH only (chmod 600). "))
    for name, value in freeswitch_variables(config).items():
        etree.SubElement(root, "X-PRE-PROCESS", cmd="set", data=f"{name}={value}")
    return etree.tostring(root, pretty_print=True, encoding="unicode")


def _source(setting: str, config) -> str:
    if os.environ.get(setting) is not None:
        return "environment"
    return f"generated: {Path(config['INSTANCE_PATH']) / SWITCH_CREDENTIALS_FILE}"


def summary(config) -> str:
    servers = ", ".join(":".join(item.strip().split(":", 2)[:2]) for item in config["ESL_SERVERS"].split(",")
                        if item.strip())
    auth = (f"user {config['XML_CURL_USER']}, password {config['XML_CURL_PASSWORD']}"
            if config["XML_CURL_PASSWORD"] else "NONE: no auth, loopback only, directory not served")
    cdr = (f"user {config['CDR_USER']}, password {config['CDR_PASSWORD']}" if config["CDR_PASSWORD"]
           else "off (CENTRALKA_CDR_PASSWORD empty)")
    return "\n".join([
        "Switch credentials:",
        f"  xml_curl:     {auth}  ({_source('CENTRALKA_XML_CURL_PASSWORD', config)})",
        f"  event socket: {servers}, password {event_socket_password(config)}  "
        f"({_source('CENTRALKA_ESL_SERVERS', config)})",
        f"  CDR posting:  {cdr}  ({_source('CENTRALKA_CDR_PASSWORD', config)})",
        "",
        f"FreeSWITCH reads them from {VARS_FILE} in its configuration directory (vars.xml includes it):",
        f"  centralka switch credentials --freeswitch-vars > /etc/freeswitch/{VARS_FILE}",
        "which holds:",
        freeswitch_vars_document(config),
    ])
