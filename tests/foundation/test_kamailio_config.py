"""kamailio/kamailio.cfg held to Centralka without running it: the query it sends PostgreSQL runs on
our schema and names the company pbx.switch_homes hashes; the dialled number it looks up is the
one the switch endpoint looks up, for every form a carrier may send; what it reads from its
environment is what docker-compose.multi.yml gives it; its modules are in the image's packages.
tests/foundation/test_kamailio_dispatch.py runs it for real."""
from __future__ import annotations

import glob
import os
import random
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text

from pbx import directory
from pbx.config import Config
from pbx.extensions import db
from pbx.switch_homes import company_key
from tests.foundation.test_compose import config_settings, multi_services
from xml_curl.dialplan import e164

REPO = Path(__file__).resolve().parents[2]
CFG = (REPO / "kamailio/kamailio.cfg").read_text()


def route(name: str) -> str:
    return re.search(r"route\[%s\] \{\n(.*?)\n\}\n" % name, CFG, re.DOTALL).group(1)


def company_query(number: str) -> str:
    query = re.search(r'sql_query\("centralka", "([^"]+)", "owner"\)', route("DIALLED_COMPANY")).group(1)
    return query.replace("$var(number)", number)


def country_code() -> str:
    assert "#!trydefenvs COUNTRY_CODE=CENTRALKA_COUNTRY_CODE" in CFG
    return re.search(r'#!define COUNTRY_CODE "([0-9]+)"', CFG).group(1)


def looked_up(dialled: str) -> str | None:
    """The number route[DIALLED_COMPANY] asks the database for, worked out from its branches; None
    when it asks nothing."""
    branches = re.findall(r'if \(\$rU =~ "([^"]+)"\) \{\n\s*\$var\(number\) = ([^;]+);', route("DIALLED_COMPANY"))
    assert len(branches) == 4
    for pattern, expression in branches:
        # POSIX's '$' (Kamailio's =~) is the end of the text; Python's also matches before a last newline.
        if re.search(re.sub(r"\$$", r"\\Z", pattern), dialled):
            return "".join(_value(term, dialled) for term in expression.split(" + "))
    return None


def _value(term: str, dialled: str) -> str:
    if term == "$rU":
        return dialled
    if term == "COUNTRY_CODE":
        return country_code()
    if literal := re.fullmatch(r'"([^"$]*)"', term):
        return literal.group(1)
    if substring := re.fullmatch(r"\$\(rU\{s\.substr,([0-9]+),0\}\)", term):
        return dialled[int(substring.group(1)):]
    raise AssertionError(f"a term this test does not know: {term}")


def test_the_company_of_a_dialled_number_is_the_one_the_switch_endpoint_finds():
    samples = ["+48221000001", "48221000001", "0048221000001", "221000001", "+4420 7946 0000",
               "+442079460000", "00442079460000", "442079460000", "123456", "12345", "0012345", "001234567",
               "00123456789012345", "001234567890123456", "1234567890123456", "+", "00", "", "*666221000001",
               "221000001' OR '1'='1", "221000001;DROP", "+48-22-100", "sip", "221000001\n"]
    rng = random.Random(16)
    samples += ["".join(rng.choice("+0123456789'; a") for _ in range(rng.randint(0, 18))) for _ in range(3000)]
    for dialled in samples:
        number = looked_up(dialled)
        assert number == e164(dialled, Config.COUNTRY_CODE), dialled
        assert number is None or re.fullmatch(r"\+[0-9]{6,15}", number), "only '+' and digits reach the query"


def test_the_query_names_the_company_as_the_switches_are_hashed_over_it(ctx):
    tenant = directory.create_tenant({"name": "Firma z numerem"})
    directory.add_main_number(tenant, {"number": "+48221000001", "is_primary": True})
    db.session.commit()
    assert db.session.execute(text(company_query("+48221000001"))).all() == [(company_key(tenant.id),)]
    assert db.session.execute(text(company_query("+48221000002"))).all() == []
    # Phones give the same key: the first label of their domain (route[DISPATCH]).
    assert "$avp(company) = $(td{s.select,0,.});" in route("DISPATCH")


def test_the_country_of_national_numbers_is_centralkas():
    assert country_code() == Config.COUNTRY_CODE == "48"
    assert "CENTRALKA_COUNTRY_CODE" in config_settings()


def test_compose_gives_kamailio_what_it_reads_and_our_database():
    services = multi_services()
    environment = services["kamailio"]["environment"]
    read = set(re.findall(r"\$env\(([A-Z_]+)\)", CFG)) | set(re.findall(r"#!trydefenvs [A-Z_]+=([A-Z_]+)", CFG))
    assert set(environment) == read == {"KAMAILIO_DB_URL", "CENTRALKA_COUNTRY_CODE"}
    assert environment["CENTRALKA_COUNTRY_CODE"] is None == services["panel"]["environment"]["CENTRALKA_COUNTRY_CODE"]
    kamailio, ours = (urlsplit(re.sub(r"\$\{([A-Z_]+)[^}]*\}", r"\1", url)) for url in (
        environment["KAMAILIO_DB_URL"], services["switch-endpoint"]["environment"]["CENTRALKA_DATABASE_URL"]))
    assert kamailio.scheme == "postgres" and ours.scheme == "postgresql"  # db_postgres's name for it
    assert (kamailio.username, kamailio.password, kamailio.hostname, kamailio.port, kamailio.path) == (
        ours.username, ours.password, ours.hostname, ours.port, ours.path)
    assert kamailio.hostname in services


def image_packages() -> set[str]:
    install = re.search(r"apt-get install -y --no-install-recommends ([a-z0-9 -]+)",
                        (REPO / "kamailio/Dockerfile").read_text()).group(1)
    return set(install.split())


@pytest.mark.skipif(not shutil.which("dpkg"), reason="asks dpkg which package holds each module")
def test_every_module_loaded_is_in_the_packages_the_image_installs():
    modules = re.findall(r'loadmodule "([a-z0-9_]+)\.so"', CFG)
    assert {"dispatcher", "sqlops", "db_postgres", "htable"} <= set(modules)
    for module in modules:
        found = glob.glob(f"/usr/lib/*/kamailio/modules/{module}.so")
        if not found:
            pytest.skip(f"{module}.so is not installed here")
        owner = subprocess.run(["dpkg", "-S", found[0]], capture_output=True, text=True, check=True).stdout
        assert owner.split(":")[0] in image_packages(), module


@pytest.mark.skipif(not glob.glob("/usr/lib/*/kamailio/modules/db_postgres.so"),
                    reason="needs Debian's kamailio and kamailio-postgres-modules packages")
def test_kamailio_parses_the_configuration(tmp_path):
    (tmp_path / "dispatcher.list").write_text((REPO / "kamailio/dispatcher.list").read_text())
    config = tmp_path / "kamailio.cfg"
    config.write_text(CFG.replace("/etc/kamailio/", f"{tmp_path}/"))
    checked = subprocess.run(["kamailio", "-c", "-f", str(config)], capture_output=True, text=True,
                             env={**os.environ, "KAMAILIO_DB_URL": "postgres://centralka@127.0.0.1:5432/centralka"})
    assert checked.returncode == 0, checked.stderr
