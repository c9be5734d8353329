"""The compose stack (docker-compose.yml, docker-compose.multi.yml, freeswitch/Dockerfile, kamailio/,
.env.example) held to the code and to freeswitch/: no Docker engine runs here, so every name, file,
port, setting and command the files use is checked against what it points to."""
from __future__ import annotations

import copy
import importlib.util
import ipaddress
import os
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import click
import pytest
import yaml
from botocore.credentials import EnvProvider
from flask.cli import ScriptInfo
from lxml import etree

from tests.support.freeswitch_conf import CONF, params, switch_variables

REPO = Path(__file__).resolve().parents[2]
OUR_IMAGE = "."


class Override(list):
    """Compose's !override: this list replaces the one it extends."""


class ComposeLoader(yaml.SafeLoader):
    pass


ComposeLoader.add_constructor("!override", lambda loader, node: Override(loader.construct_sequence(node)))


def load(name: str) -> dict:
    return yaml.load((REPO / name).read_text(), Loader=ComposeLoader)


def merged(base: dict, overlay: dict) -> dict:
    """Compose's merge of one service's settings: maps key by key, volumes by target, other lists
    added to (replaced when !override)."""
    result = copy.deepcopy(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        elif key == "volumes" and not isinstance(value, Override):
            targets = {item.split(":")[1]: item for item in result.get(key, []) + value}
            result[key] = list(targets.values())
        elif isinstance(value, list) and not isinstance(value, Override) and key in result:
            result[key] = result[key] + [item for item in value if item not in result[key]]
        else:
            result[key] = list(value) if isinstance(value, Override) else value
    return result


def multi_services() -> dict:
    """The services of docker compose -f docker-compose.yml -f docker-compose.multi.yml."""
    base, overlay = load("docker-compose.yml")["services"], load("docker-compose.multi.yml")["services"]
    services = copy.deepcopy(base)
    for name, service in overlay.items():
        extends = service.pop("extends", None)
        if extends:
            assert extends["file"] == "docker-compose.yml" and extends["service"] in base
        start = base[extends["service"]] if extends else services.get(name, {})
        services[name] = merged(start, service)
    return services


STACKS = {"single": lambda: load("docker-compose.yml")["services"], "multi": multi_services}


@pytest.fixture(params=sorted(STACKS))
def services(request) -> dict:
    return STACKS[request.param]()


def ours(services: dict) -> dict:
    return {name: s for name, s in services.items() if s.get("build") == OUR_IMAGE}


def switches(services: dict) -> dict:
    return {name: s for name, s in services.items() if s.get("build") == "./freeswitch"}


def config_settings() -> set[str]:
    """Every environment variable pbx/config.py reads, found by loading it against an environment
    that notes each name asked for."""
    class Noting(dict):
        def __init__(self):
            super().__init__()
            self.asked = set()

        def get(self, key, default=None):
            self.asked.add(key)
            return default

        def __contains__(self, key):
            self.asked.add(key)
            return False

    environ, real = Noting(), os.environ
    spec = importlib.util.spec_from_file_location("config_as_read", REPO / "pbx/config.py")
    os.environ = environ
    try:
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
    finally:
        os.environ = real
    return environ.asked


def test_the_settings_are_found_as_config_reads_them():
    found = config_settings()
    assert {"CENTRALKA_INSTANCE", "CENTRALKA_SECRET_KEY", "CENTRALKA_SMTP_PORT", "CENTRALKA_RUN_DIR"} <= found
    assert all(name.startswith("CENTRALKA_") for name in found)


def test_the_files_parse_into_the_whole_stack(services):
    assert {"postgres", "redis", "minio", "minio-setup", "migrate", "panel", "switch-endpoint", "listener",
            "worker", "freeswitch"} <= set(services)
    for name, service in services.items():
        assert service.get("image") or service.get("build"), name


def test_every_long_running_service_has_a_health_check_and_a_restart_policy(services):
    for name, service in services.items():
        if service.get("restart") == "no":
            waiting = [s for s in services.values() if name in (s.get("depends_on") or {})]
            assert waiting and all(s["depends_on"][name]["condition"] == "service_completed_successfully"
                                   for s in waiting), name
            continue
        assert service["restart"] == "unless-stopped", name
        check = service["healthcheck"]["test"]
        assert check[0] == "CMD" and len(check) > 1, name
        if check[1:3] == ["python", "-c"]:
            compile(check[3], f"{name} health check", "exec")
        assert set(service.get("depends_on") or ()) <= set(services), name


def test_every_file_and_volume_named_exists(services):
    declared = set(load("docker-compose.yml")["volumes"]) | set(load("docker-compose.multi.yml")["volumes"])
    for name, service in services.items():
        if "build" in service:
            assert (REPO / service["build"] / "Dockerfile").is_file(), name
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (REPO / source).exists(), (name, source)
            else:
                assert source in declared, (name, source)


def centralka_command(argv: list[str]) -> click.Command:
    """The command ``centralka <argv>`` runs, its options parsed as click would (unknown ones refused)."""
    from pbx.cli import main

    # With the app: Flask-Migrate's "db" is one of its commands.
    ctx = click.Context(main, info_name="centralka", obj=ScriptInfo(create_app=main.create_app))
    command, args = main, list(argv)
    while isinstance(command, click.Group):
        name, command, args = command.resolve_command(ctx, args)
        ctx = click.Context(command, info_name=name, parent=ctx)
    command.make_context(name, args, parent=ctx.parent)
    return command


def test_every_command_of_our_services_is_a_centralka_command(services):
    for name, service in ours(services).items():
        program, *argv = shlex.split(service["command"])
        assert program == "centralka", name
        assert centralka_command(argv).callback, name
    with pytest.raises(click.UsageError):
        centralka_command(["tasks", "sleep"])
    with pytest.raises(click.UsageError):
        centralka_command(["panel", "--port", "8000"])


def test_our_services_get_exactly_the_settings_config_reads(services):
    """Plus the S3 key pair, which boto3 reads from the environment, and the web servers' metrics
    folder, which prometheus_client reads."""
    settings, s3_keys = config_settings(), {EnvProvider.ACCESS_KEY, EnvProvider.SECRET_KEY}
    for name, service in ours(services).items():
        extra = {"PROMETHEUS_MULTIPROC_DIR"} if name in ("panel", "switch-endpoint") else set()
        assert set(service["environment"]) == settings | s3_keys | extra, name


def interpolated(text: str) -> set[str]:
    """The ${NAME...} compose fills from .env ($$ escapes a dollar for the container)."""
    return set(re.findall(r"(?<!\$)\$\{([A-Z0-9_]+)", text))


def test_the_env_template_names_every_setting_and_nothing_else():
    names = set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", (REPO / ".env.example").read_text(), re.MULTILINE))
    compose = interpolated((REPO / "docker-compose.yml").read_text() + (REPO / "docker-compose.multi.yml").read_text())
    assert names == config_settings() | compose
    required = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", (REPO / ".env.example").read_text(), re.MULTILINE))
    assert required == compose, "every value compose needs is to be filled, nothing else"


def test_every_value_compose_needs_stops_it_when_empty():
    for name in ("docker-compose.yml", "docker-compose.multi.yml"):
        for expression in re.findall(r"(?<!\$)\$\{([^}]*)\}", (REPO / name).read_text()):
            variable, _, message = expression.partition(":?")
            assert message.startswith(f"fill {variable} in .env"), expression


def port_of(bind: str) -> int:
    return int(bind.rpartition(":")[2])


def test_each_switch_publishes_the_ports_its_configuration_takes(services):
    for name, switch in switches(services).items():
        variables = switch_variables(switch["environment"])
        core = params("autoload_configs/switch.conf.xml", variables)
        rtp = f"{core['rtp-start-port']}-{core['rtp-end-port']}"
        assert f"{rtp}:{rtp}/udp" in switch["ports"], name
    for name in ("docker-compose.yml",):
        switch = load(name)["services"]["freeswitch"]
        variables = switch_variables(switch["environment"])
        for profile, port in (("internal", "internal_sip_port"), ("external", "external_sip_port")):
            sip = params(f"sip_profiles/{profile}.xml", variables)["sip-port"]
            assert sip == variables[port]
            assert {f"{sip}:{sip}/udp", f"{sip}:{sip}/tcp"} <= set(switch["ports"]), profile


def test_the_switches_ask_the_switch_endpoint_service(services):
    endpoint = services["switch-endpoint"]
    port = port_of(endpoint["environment"]["CENTRALKA_SWITCH_ENDPOINT_BIND"])
    assert f"{port}:{port}" in endpoint["ports"]
    assert "switch-endpoint" in shlex.split(endpoint["command"])
    for name, switch in switches(services).items():
        variables = switch_variables(switch["environment"])
        for file, param in (("xml_curl.conf.xml", "gateway-url"), ("json_cdr.conf.xml", "url")):
            url = urlsplit(params(f"autoload_configs/{file}", variables)[param])
            assert (url.hostname, url.port) == ("switch-endpoint", port), (name, file)
        assert switch["depends_on"]["switch-endpoint"]["condition"] == "service_healthy", name


def test_the_processes_reach_each_switch_event_socket_on_its_network_only(services):
    network = load("docker-compose.yml")["networks"]["default"]
    subnets = [ipaddress.ip_network(c["subnet"]) for c in network["ipam"]["config"]]
    reached = {}
    for name, service in ours(services).items():
        for entry in service["environment"]["CENTRALKA_ESL_SERVERS"].split(","):
            host, port, password = entry.split(":", 2)
            reached.setdefault(name, set()).add((host, int(port)))
            assert password == "${EVENT_SOCKET_PASSWORD:?fill EVENT_SOCKET_PASSWORD in .env (see .env.example)}"
    for name, switch in switches(services).items():
        socket = params("autoload_configs/event_socket.conf.xml", switch_variables(switch["environment"]))
        address = (name, int(socket["listen-port"]))
        assert socket["listen-ip"] == "0.0.0.0" and not [p for p in switch["ports"] if socket["listen-port"] in p]
        acl = [ipaddress.ip_network(cidr) for cidr in socket["apply-inbound-acl"].split(",")]
        assert all(any(subnet.subnet_of(allowed) for allowed in acl) for subnet in subnets)
        assert any(ipaddress.ip_address("127.0.0.1") in allowed for allowed in acl), "its own health check"
        for process in ("panel", "worker", "switch-endpoint"):
            assert address in reached[process], (process, name)
        listeners = [p for p, addresses in reached.items() if "listener" in p and address in addresses]
        assert len(listeners) == 1, f"{name}: one listener, got {listeners}"


def test_the_switch_image_builds_exactly_the_modules_our_configuration_loads():
    dockerfile = (CONF / "Dockerfile").read_text()
    built = re.search(r"printf '%s\\n' \\\n(.*?)> modules.conf", dockerfile, re.DOTALL).group(1)
    built = [line.strip(" \\") for line in built.splitlines() if line.strip(" \\")]
    modules = etree.parse(str(CONF / "autoload_configs/modules.conf.xml")).getroot()
    assert [path.rpartition("/")[2] for path in built] == [load.get("module") for load in modules.iter("load")]
    assert "--branch v1.10.12 https://github.com/signalwire/freeswitch.git" in dockerfile
    assert "--branch v1.13.17 https://github.com/freeswitch/sofia-sip.git" in dockerfile
    assert "git checkout d9681c3~1" in dockerfile


def test_the_switch_runs_with_the_folders_centralka_names():
    switch = load("docker-compose.yml")["services"]["freeswitch"]
    ours_env = load("docker-compose.yml")["services"]["worker"]["environment"]
    command = re.search(r'^CMD (\[.*?\])$', (CONF / "Dockerfile").read_text(), re.DOTALL | re.MULTILINE).group(1)
    argv = yaml.safe_load(command.replace("\\\n", ""))
    options = {argv[i]: argv[i + 1] for i in range(len(argv) - 1)}
    mounts = {v.split(":")[1]: v.split(":")[0] for v in switch["volumes"]}
    assert mounts[options["-conf"]] == "./freeswitch"
    assert mounts[options["-recordings"]] == "recordings"
    assert options["-recordings"] == ours_env["CENTRALKA_RECORDINGS_DIR"]
    # FreeSWITCH sees the prompts as $${sounds_dir}/centralka (docs/freeswitch.md).
    assert mounts[options["-sounds"] + "/centralka"] == "prompts"
    worker = load("docker-compose.yml")["services"]["worker"]
    assert f"prompts:{ours_env['CENTRALKA_PROMPTS_DIR']}" in worker["volumes"]


def test_the_bucket_gets_the_expiry_rule_centralka_writes():
    from pbx.recordings import DEFAULT_RETENTION_DAYS
    from pbx.storage import S3Storage

    class Bucket:
        def put_bucket_lifecycle_configuration(self, **request):
            self.rules = request["LifecycleConfiguration"]["Rules"]

    stack = load("docker-compose.yml")["services"]
    bucket = stack["worker"]["environment"]["CENTRALKA_S3_BUCKET"]
    client = Bucket()
    S3Storage(bucket, client=client).apply_retention({DEFAULT_RETENTION_DAYS})
    [rule] = client.rules
    script = " ".join(stack["minio-setup"]["command"])
    assert f"mc mb --ignore-existing stack/{bucket}" in script
    tag = rule["Filter"]["And"]["Tags"][0]
    assert (f"mc ilm rule add --prefix {rule['Filter']['And']['Prefix']} --tags {tag['Key']}={tag['Value']} "
            f"--expire-days {rule['Expiration']['Days']} stack/{bucket}") in script


def test_kamailio_dispatches_to_the_switch_services_on_their_sip_ports():
    services = multi_services()
    cfg = (REPO / "kamailio/kamailio.cfg").read_text()
    assert 'loadmodule "dispatcher.so"' in cfg
    list_file = re.search(r'modparam\("dispatcher", "list_file", "([^"]+)"\)', cfg).group(1)
    mounted = {v.split(":")[1]: v.split(":")[0] for v in services["kamailio"]["volumes"]}
    assert (REPO / mounted[str(Path(list_file).parent)] / Path(list_file).name).is_file()
    assert re.search(r'ds_select_dst\(\$var\(set\), "7"\)', cfg) and "ds_next_dst()" in cfg
    entries = [line.split() for line in (REPO / "kamailio/dispatcher.list").read_text().splitlines()
               if line.strip() and not line.startswith("#")]
    variables = switch_variables({})
    sets = {"1": variables["internal_sip_port"], "2": variables["external_sip_port"]}
    uris = [(s, urlsplit(uri.replace("sip:", "sip://"))) for s, uri, *_ in entries]
    destinations = {(s, uri.hostname, str(uri.port)) for s, uri in uris}
    assert destinations == {(s, name, port) for s, port in sets.items() for name in switches(services)}
    assert set(services["kamailio"]["ports"]) == {f"{port}:{port}/{protocol}" for port in sets.values()
                                                  for protocol in ("udp", "tcp")}
    for name, switch in switches(services).items():
        assert not [p for p in switch["ports"] if p.split(":")[0] in sets.values()], f"{name}: Kamailio's ports"


def test_switch_sync_numbers_the_switches_as_kamailio_does():
    """A company's queues go to its home switch (pbx.switch_homes), its position among the switches:
    ESL_SERVERS of whoever syncs must list them in dispatcher.list's order, in both of its sets."""
    services = multi_services()
    entries = [line.split() for line in (REPO / "kamailio/dispatcher.list").read_text().splitlines()
               if line.strip() and not line.startswith("#")]
    orders = {s: [urlsplit(uri.replace("sip:", "sip://")).hostname for set_, uri, *_ in entries if set_ == s]
              for s in ("1", "2")}
    assert orders["1"] == orders["2"]
    for name in ("worker", "migrate", "switch-endpoint", "panel"):
        listed = [entry.split(":")[0] for entry in services[name]["environment"]["CENTRALKA_ESL_SERVERS"].split(",")]
        assert listed == orders["1"], name
