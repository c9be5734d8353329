"""Secrets: generated once into the instance folder (0600) and reused, refused when weak in production,
the unsafe `centralka serve` refused, and FreeSWITCH's files reading the very credentials the app uses."""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from lxml import etree

from pbx import instance_secrets
from tests.support.freeswitch_conf import expanded, params, preprocess, switch_variables
from pbx.config import Config, UnsafeConfiguration
from pbx.instance_secrets import SECRET_KEY_FILE, SWITCH_CREDENTIALS_FILE, settle
from pbx.startup_checks import refuse_unsafe_serve
from tests.conftest import REPO

STRONG = "k" * 20 + "Qx7_pL2-vN9~aZ4+mR8/" + "w" * 8  # 48 characters of the allowed alphabet
CLI = [str(Path(sys.executable).with_name("centralka"))]


def unset_secrets(instance: Path, **overrides) -> dict:
    """A configuration as the environment leaves it when no secret is set."""
    config = {name: getattr(Config, name) for name in dir(Config) if name.isupper()}
    config.update(SECRET_KEY=None, XML_CURL_USER="freeswitch", XML_CURL_PASSWORD=None, ESL_SERVERS=None,
                  CDR_USER="cdr", CDR_PASSWORD=None, ENVIRONMENT="development", TESTING=False,
                  INSTANCE_PATH=str(instance))
    config.update(overrides)
    return config


def settled(instance: Path, **overrides) -> dict:
    config = unset_secrets(instance, **overrides)
    settle(config)
    return config


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ---------------------------------------------------------------- generated once, kept, reused

def test_first_run_generates_secrets_in_the_instance_folder_readable_by_the_owner_only(tmp_path):
    config = settled(tmp_path)
    assert mode(tmp_path / SECRET_KEY_FILE) == 0o600
    assert mode(tmp_path / SWITCH_CREDENTIALS_FILE) == 0o600
    stored = json.loads((tmp_path / SWITCH_CREDENTIALS_FILE).read_text())
    assert config["XML_CURL_PASSWORD"] == stored["xml_curl_password"]
    assert config["ESL_SERVERS"] == f"127.0.0.1:8021:{stored['event_socket_password']}"
    assert config["CDR_PASSWORD"] == stored["cdr_password"]
    assert config["SECRET_KEY"] == (tmp_path / SECRET_KEY_FILE).read_text().strip()
    assert len(config["SECRET_KEY"]) >= 48 and len(set(stored.values())) == 3
    assert all(len(value) >= 24 for value in stored.values())
    assert "ClueCon" not in config["ESL_SERVERS"]


def test_later_runs_and_other_apps_reuse_the_same_secrets(tmp_path, app):
    from pbx.app import create_app

    first = settled(tmp_path)
    again = settled(tmp_path)
    other = create_app({**unset_secrets(tmp_path), "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                        "TASK_QUEUE_URL": "memory", "SWITCH_SYNC_ON_COMMIT": False})
    for name in ("SECRET_KEY", "XML_CURL_PASSWORD", "ESL_SERVERS", "CDR_PASSWORD"):
        assert first[name] == again[name] == other.config[name]
    elsewhere = settled(tmp_path / "another-instance")
    assert elsewhere["SECRET_KEY"] != first["SECRET_KEY"]
    assert elsewhere["XML_CURL_PASSWORD"] != first["XML_CURL_PASSWORD"]


def test_processes_starting_together_agree_on_one_secret(tmp_path):
    path = tmp_path / "secret-key"
    with ThreadPoolExecutor(8) as pool:
        values = set(pool.map(lambda _: instance_secrets._read_or_create(path, lambda: os.urandom(16).hex()),
                              range(32)))
    assert len(values) == 1 and values == {path.read_text().strip()}
    assert [p.name for p in tmp_path.iterdir()] == ["secret-key"]  # no drafts left behind


def test_an_empty_secret_key_is_treated_as_unset(tmp_path):
    assert settled(tmp_path, SECRET_KEY="")["SECRET_KEY"] == (tmp_path / SECRET_KEY_FILE).read_text().strip()


def test_a_secret_file_readable_by_others_is_made_private(tmp_path):
    settled(tmp_path)
    os.chmod(tmp_path / SECRET_KEY_FILE, 0o644)
    settled(tmp_path)
    assert mode(tmp_path / SECRET_KEY_FILE) == 0o600


def test_the_environment_wins_over_generated_values(tmp_path):
    config = settled(tmp_path, SECRET_KEY=STRONG, XML_CURL_PASSWORD="from-env-1234567890",
                     ESL_SERVERS="10.0.0.5:8021:esl-from-env-12345", CDR_PASSWORD="")
    assert config["SECRET_KEY"] == STRONG and config["XML_CURL_PASSWORD"] == "from-env-1234567890"
    assert config["ESL_SERVERS"] == "10.0.0.5:8021:esl-from-env-12345" and config["CDR_PASSWORD"] == ""
    assert not (tmp_path / SECRET_KEY_FILE).exists() and not (tmp_path / SWITCH_CREDENTIALS_FILE).exists()


@pytest.mark.parametrize("setting,value", [
    ("XML_CURL_USER", "free:switch"), ("XML_CURL_PASSWORD", "pa$${hostname}ss"), ("CDR_PASSWORD", 'a"b'),
    ("ESL_SERVERS", "127.0.0.1:8021:pass word"),
])
def test_switch_values_freeswitch_would_expand_or_split_are_refused(tmp_path, setting, value):
    with pytest.raises(UnsafeConfiguration, match=f"CENTRALKA_{setting}"):
        settled(tmp_path, **{setting: value})


# ---------------------------------------------------------------- forged sessions

def forged_owner_cookie(key: str) -> str:
    interface = SecureCookieSessionInterface()
    serializer = URLSafeTimedSerializer(key, salt=interface.salt, serializer=interface.serializer,
                                        signer_kwargs={"key_derivation": interface.key_derivation,
                                                       "digest_method": interface.digest_method})
    return serializer.dumps({"user_id": 1})


@pytest.mark.parametrize("published_key", ["dev-only-change-me", "change-me"])
def test_a_session_forged_with_a_published_default_key_is_not_a_session(app, demo, tmp_path, published_key):
    from pbx.app import create_app

    served = create_app({**unset_secrets(tmp_path), "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                         "TASK_QUEUE_URL": "memory", "SWITCH_SYNC_ON_COMMIT": False})
    assert served.config["SECRET_KEY"] not in {"dev-only-change-me", "change-me"}
    client = served.test_client()
    client.set_cookie("session", forged_owner_cookie(published_key))
    response = client.get("/api/auth/me")
    assert response.status_code == 401
    assert b"anna.kowalska" not in response.data


# ---------------------------------------------------------------- production refuses missing or known secrets

def production(instance: Path, **overrides) -> dict:
    values = dict(ENVIRONMENT="production", SECRET_KEY=STRONG, XML_CURL_PASSWORD="x" * 30,
                  ESL_SERVERS="127.0.0.1:8021:" + "e" * 30, CDR_PASSWORD=None)
    values.update(overrides)
    return settled(instance, **values)


@pytest.mark.parametrize("key", [None, "dev-only-change-me", "change-me", "short-but-random-xyz",
                                 "CHANGE-ME-to-a-long-random-value-of-48-characters"])
def test_production_refuses_a_missing_known_or_short_secret_key(tmp_path, key):
    with pytest.raises(UnsafeConfiguration, match="CENTRALKA_SECRET_KEY"):
        production(tmp_path, SECRET_KEY=key)
    assert not (tmp_path / SECRET_KEY_FILE).exists()


@pytest.mark.parametrize("setting,value", [
    ("XML_CURL_PASSWORD", None), ("XML_CURL_PASSWORD", "change-me"), ("ESL_SERVERS", None),
    ("ESL_SERVERS", "127.0.0.1:8021:ClueCon"), ("ESL_SERVERS", f"10.0.0.1:8021:{'e' * 30},10.0.0.2:8021:ClueCon"),
    ("CDR_PASSWORD", "change-me"),
])
def test_production_refuses_missing_or_known_switch_passwords(tmp_path, setting, value):
    with pytest.raises(UnsafeConfiguration, match=f"CENTRALKA_{setting}"):
        production(tmp_path, **{setting: value})


def test_production_with_strong_secrets_generates_nothing(tmp_path):
    config = production(tmp_path)
    assert config["SECRET_KEY"] == STRONG and config["CDR_PASSWORD"] == ""  # CDR posting off
    assert list(tmp_path.iterdir()) == []


def test_production_refuses_through_the_cli_with_one_clear_line(tmp_path):
    env = dict(os.environ, CENTRALKA_ENV="production", CENTRALKA_INSTANCE=str(tmp_path))
    env.pop("CENTRALKA_SECRET_KEY", None)
    result = subprocess.run(CLI + ["tenant", "list"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("error: CENTRALKA_SECRET_KEY is not set") and "Traceback" not in result.stderr


def test_tests_may_still_pass_a_short_key(app):
    assert app.config["SECRET_KEY"] == "test" and app.config["TESTING"]


# ---------------------------------------------------------------- serve refuses to expose an open endpoint

@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.5", "pbx.example.com"])
def test_serving_beyond_loopback_without_credentials_is_refused_naming_the_setting(tmp_path, host):
    with pytest.raises(UnsafeConfiguration, match="CENTRALKA_XML_CURL_PASSWORD"):
        refuse_unsafe_serve(host, settled(tmp_path, XML_CURL_PASSWORD=""))


@pytest.mark.parametrize("host,password", [("127.0.0.1", ""), ("::1", ""), ("localhost", ""), ("0.0.0.0", None)])
def test_loopback_or_credentials_may_serve(tmp_path, host, password):
    refuse_unsafe_serve(host, settled(tmp_path, XML_CURL_PASSWORD=password))


@pytest.fixture
def serve_cli(monkeypatch, tmp_path):
    """``centralka serve`` through click, with gunicorn and the children replaced by a recorder."""
    from pbx import cli, server

    started = []
    monkeypatch.setattr(server, "run", lambda *args, **kwargs: started.append(args))
    monkeypatch.setattr(Config, "INSTANCE_PATH", str(tmp_path))

    def serve(*args):
        return CliRunner().invoke(cli.main, ["serve", *args]), started

    return serve


def test_the_serve_command_refuses_before_starting_anything(serve_cli, monkeypatch):
    monkeypatch.setattr(Config, "XML_CURL_PASSWORD", "")
    result, started = serve_cli("--switch-bind", "0.0.0.0:8001")  # where /xml_curl is served
    assert result.exit_code == 2 and started == []
    assert "CENTRALKA_XML_CURL_PASSWORD" in result.output and "0.0.0.0" in result.output


def test_the_serve_command_starts_with_generated_credentials(serve_cli, monkeypatch, tmp_path):
    monkeypatch.setattr(Config, "XML_CURL_PASSWORD", None)
    result, started = serve_cli("--host", "0.0.0.0", "--port", "8123", "--switch-bind", "0.0.0.0:8001")
    assert result.exit_code == 0, result.output
    assert started[0][:2] == ("0.0.0.0", 8123) and (tmp_path / SWITCH_CREDENTIALS_FILE).exists()


# ---------------------------------------------------------------- FreeSWITCH's files and the app agree

def test_freeswitch_reads_the_credentials_the_app_uses(tmp_path):
    from pbx.switch_credentials import VARS_FILE, freeswitch_vars_document

    config = settled(tmp_path / "instance")
    conf = tmp_path / "conf"
    shutil.copytree(REPO / "freeswitch", conf)
    (conf / VARS_FILE).write_text(freeswitch_vars_document(config))
    variables = {}
    preprocess(conf, "vars.xml", variables)

    xml_curl = etree.parse(str(conf / "autoload_configs/xml_curl.conf.xml")).getroot()
    credentials = {value for value in xml_curl.xpath("//param[@name='gateway-credentials']/@value")}
    assert credentials == {"$${centralka_xml_curl_credentials}"}
    assert variables["centralka_xml_curl_credentials"] == f"freeswitch:{config['XML_CURL_PASSWORD']}"
    assert (expanded(conf, "autoload_configs/event_socket.conf.xml", "password", variables)
            == config["ESL_SERVERS"].split(":", 2)[2])
    assert expanded(conf, "autoload_configs/json_cdr.conf.xml", "cred", variables) == f"cdr:{config['CDR_PASSWORD']}"


def test_a_switch_without_the_credentials_file_has_no_known_event_socket_password(tmp_path):
    """mod_event_socket takes its stock password when the variable is empty: vars.xml sets a random one first."""
    conf = tmp_path / "conf"
    shutil.copytree(REPO / "freeswitch", conf)
    first, second = {}, {}
    preprocess(conf, "vars.xml", first)
    preprocess(conf, "vars.xml", second)
    password = first["event_socket_password"]
    assert len(password) >= 24 and password != second["event_socket_password"]
    assert expanded(conf, "autoload_configs/event_socket.conf.xml", "password", first) == password


def test_the_shipped_freeswitch_files_hold_no_credentials():
    conf = REPO / "freeswitch"
    vars_root = etree.parse(str(conf / "vars.xml")).getroot()
    set_names = {c.get("data").partition("=")[0] for c in vars_root.iter("X-PRE-PROCESS") if c.get("cmd") == "set"}
    assert not set_names & {"centralka_xml_curl_credentials", "centralka_cdr_credentials", "event_socket_password"}
    includes = [c.get("data") for c in vars_root.iter("X-PRE-PROCESS") if c.get("cmd") == "include"]
    assert includes == ["centralka_credentials.xml"] and not (conf / "centralka_credentials.xml").exists()
    for path in conf.rglob("*.xml"):
        root = etree.parse(str(path)).getroot()
        values = root.xpath("//param/@value") + [c.get("data") for c in root.iter("X-PRE-PROCESS")]
        assert not [v for v in values if "ClueCon" in v or v.endswith(":change-me")], path


def test_the_event_socket_listens_on_loopback_behind_an_acl():
    """Unless the switch's environment opens it to a container network (docker-compose.yml)."""
    param = params("autoload_configs/event_socket.conf.xml", switch_variables({}))
    assert param["listen-ip"] == "127.0.0.1" and param["apply-inbound-acl"] == "loopback.auto"


def test_the_credentials_command_prints_what_freeswitch_needs(tmp_path):
    env = dict(os.environ, CENTRALKA_INSTANCE=str(tmp_path))
    for name in ("CENTRALKA_XML_CURL_PASSWORD", "CENTRALKA_ESL_SERVERS", "CENTRALKA_CDR_PASSWORD", "CENTRALKA_ENV"):
        env.pop(name, None)

    def run(*args):
        result = subprocess.run(CLI + ["switch", "credentials", *args], env=env, capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout

    summary, document = run(), run("--freeswitch-vars")
    stored = json.loads((tmp_path / SWITCH_CREDENTIALS_FILE).read_text())
    assert stored["xml_curl_password"] in summary and "centralka_credentials.xml" in summary
    data = {c.get("data") for c in etree.fromstring(document).iter("X-PRE-PROCESS")}
    assert data == {f"centralka_xml_curl_credentials=freeswitch:{stored['xml_curl_password']}",
                    f"centralka_cdr_credentials=cdr:{stored['cdr_password']}",
                    f"event_socket_password={stored['event_socket_password']}"}


# ---------------------------------------------------------------- compose and the image hold no secrets

def test_compose_takes_every_secret_from_the_env_file_and_the_image_runs_in_production():
    import re

    import yaml

    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    secret = re.compile(r"PASSWORD|SECRET|KEY|ESL_SERVERS|DATABASE_URL")
    required = re.compile(r"\$\{(\w+):\?[^}]+\}")
    for name, service in compose["services"].items():
        for variable, value in (service.get("environment") or {}).items():
            if secret.search(variable) and variable != "AWS_ACCESS_KEY_ID":
                # no value: compose passes the operator's own, if any (the reports replica's address)
                assert value is None or required.search(str(value)), f"{name}: {variable} must come from .env"
    needed = set(required.findall((REPO / "docker-compose.yml").read_text()))
    example = dict(line.split("=", 1) for line in (REPO / ".env.example").read_text().splitlines()
                   if line and not line.startswith("#"))
    assert needed <= set(example) and not any(example.values())  # the operator fills every one
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "ENV CENTRALKA_ENV=production" in dockerfile and not secret.search(dockerfile.replace("CENTRALKA_ENV", ""))
    assert ".env" in (REPO / ".dockerignore").read_text().split()
