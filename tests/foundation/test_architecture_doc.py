"""docs/architecture.md held to what it describes: every compose service and published port is in it,
and every module, benchmark and setting it names exists."""
from __future__ import annotations

import re
from pathlib import Path

from tests.foundation.test_compose import config_settings, load, multi_services

REPO = Path(__file__).resolve().parents[2]
DOC = (REPO / "docs" / "architecture.md").read_text()


def test_every_service_of_both_stacks_is_described():
    services = set(multi_services())
    assert {"kamailio", "freeswitch-b", "listener-b", "postgres", "minio-setup"} <= services
    missing = [name for name in services if f"`{name}`" not in DOC and f"{name}[" not in DOC]
    assert missing == []


def test_every_published_port_is_named():
    ports = set()
    for stack in (load("docker-compose.yml")["services"], load("docker-compose.multi.yml")["services"]):
        for service in stack.values():
            for published in service.get("ports", []):
                ports.add(published.split(":")[0].split("/")[0])
    assert ports and [port for port in sorted(ports) if port not in DOC] == []


def test_every_file_it_names_exists():
    named = set(re.findall(r"`((?:pbx|xml_curl|webadmin|bench|kamailio|freeswitch|tests|docs)/[\w./-]+)`", DOC))
    named |= set(re.findall(r"\b((?:pbx|xml_curl|bench)/\w+\.py)\b", DOC))
    assert len(named) > 20
    assert sorted(path for path in named if not (REPO / path).exists()) == []


def test_every_setting_it_names_is_one_centralka_reads():
    named = set(re.findall(r"\bCENTRALKA_[A-Z0-9_]+", DOC))
    assert "CENTRALKA_REPORTS_DATABASE_URL" in named
    assert sorted(named - config_settings()) == []
