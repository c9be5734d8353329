"""Reading our freeswitch/ configuration as FreeSWITCH does, for tests that hold it to the code."""
from __future__ import annotations

import subprocess
from pathlib import Path

from lxml import etree

REPO = Path(__file__).resolve().parents[2]
CONF = REPO / "freeswitch"


def preprocess(conf: Path, name: str, variables: dict, environ: dict | None = None) -> etree._Element:
    """FreeSWITCH's X-PRE-PROCESS for what our files use: "set", "exec-set", "env-set" (only when the
    variable is in ``environ``, as src/switch_xml.c does) and "include" (relative to the configuration
    directory; a missing file includes nothing), then $${name} expansion."""
    root = etree.parse(str(conf / name)).getroot()
    for command in root.iter("X-PRE-PROCESS"):
        key, _, value = command.get("data").partition("=")
        if command.get("cmd") == "set":
            variables[key] = value
        elif command.get("cmd") == "exec-set":
            variables[key] = subprocess.run(value, shell=True, capture_output=True, text=True).stdout.strip()
        elif command.get("cmd") == "env-set" and value.startswith("$") and value[1:] in (environ or {}):
            variables[key] = environ[value[1:]]
        elif command.get("cmd") == "include" and (conf / command.get("data")).exists():
            preprocess(conf, command.get("data"), variables, environ)
    return root


def expanded(conf: Path, name: str, param: str, variables: dict) -> str:
    value = etree.parse(str(conf / name)).getroot().xpath(f"//param[@name='{param}']/@value")[0]
    assert value.startswith("$${") and value.endswith("}"), f"{name} {param} must come from a variable"
    return variables[value[3:-1]]


def switch_variables(environ: dict | None = None) -> dict:
    """The global variables our vars.xml sets, in a switch started with ``environ``."""
    variables = {}
    preprocess(CONF, "vars.xml", variables, environ)
    return variables


def params(name: str, variables: dict) -> dict:
    """One file's <param> values, $${...} expanded with ``variables``."""
    root = etree.parse(str(CONF / name)).getroot()
    return {p.get("name"): _expand(p.get("value"), variables) for p in root.iter("param")}


def _expand(value: str, variables: dict) -> str:
    for name, text in variables.items():
        value = value.replace(f"$${{{name}}}", text)
    return value
