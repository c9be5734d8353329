"""The import structure: processes on top, views, domain layers down to the core (.importlinter)."""
import ast
import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("pbx", "webadmin", "xml_curl", "schemas")
# One per process, plus what gunicorn loads in the web servers' workers.
ENTRY_MODULES = ["pbx.cli", "pbx.server", "pbx.commands.panel", "pbx.commands.switch_endpoint",
                 "pbx.commands.listener", "pbx.commands.tasks", "pbx.web_server", "pbx.wsgi"]
# Modules that once only imported after the whole panel app had been loaded.
DOMAIN_MODULES = ["pbx.record_writer", "pbx.tasks", "pbx.switch_sync", "pbx.cdr_post", "pbx.listener_app",
                  "pbx.queues", "xml_curl.dialplan", "xml_curl.configuration", "webadmin.recordings"]


def lint_imports(config: Path) -> subprocess.CompletedProcess:
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert command, "import-linter is not installed (pip install -e '.[test]')"
    return subprocess.run([command, str(config), "--no-cache"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def fresh_python(*args: str, tmp_path) -> subprocess.CompletedProcess:
    env = {**os.environ, "CENTRALKA_INSTANCE": str(tmp_path / "instance")}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_the_import_contracts_hold():
    result = lint_imports(ROOT / ".importlinter")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_an_import_that_climbs_a_layer_breaks_the_contract(tmp_path):
    """The checker reads our packages: the app factory placed under the models it imports is refused."""
    config = tmp_path / "upside-down.ini"
    config.write_text("[importlinter]\nroot_packages =\n    pbx\n\n"
                      "[importlinter:contract:upside-down]\nname = upside down\ntype = layers\n"
                      "layers =\n    pbx.models\n    pbx.app\n")
    result = lint_imports(config)
    assert result.returncode != 0
    assert "upside down BROKEN" in result.stdout
    assert "pbx.app is not allowed to import pbx.models" in result.stdout


def test_only_entry_modules_build_an_app():
    graph = grimp.build_graph(*PACKAGES)
    assert graph.find_modules_that_directly_import("pbx.app") <= {"pbx.cli", "pbx.commands.listener", "pbx.wsgi"}


def test_the_command_line_help_runs(tmp_path):
    result = fresh_python("-m", "pbx.cli", "--help", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    for command in ("serve", "panel", "switch-endpoint", "listener", "tasks", "scenario"):
        assert f"  {command} " in result.stdout


@pytest.mark.parametrize("module", ENTRY_MODULES + DOMAIN_MODULES)
def test_each_module_imports_first_in_a_fresh_interpreter(module, tmp_path):
    result = fresh_python("-c", f"import {module}", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr


def test_benchmarks_and_test_helpers_import_no_test_module():
    """bench/ and tests/support/ take shared helpers from tests.support only, never from a test."""
    importers = sorted((ROOT / "bench").glob("*.py")) + sorted((ROOT / "tests" / "support").glob("*.py"))
    borrowed = [f"{path.relative_to(ROOT)}: {name}" for path in importers for name in _imported(path)
                if name.startswith("tests.") and not name.startswith("tests.support")]
    assert importers and borrowed == []


# Flask's per-request and per-app globals: only entry modules, the app factory and views read them.
FLASK_GLOBALS = {"current_app", "g", "request", "session"}


def domain_modules() -> list[str]:
    """Every module of the layers below the views in .importlinter, packages with their submodules."""
    parser = configparser.ConfigParser()
    parser.read(ROOT / ".importlinter")
    lines = [line.split("#")[0].strip() for line in parser["importlinter:contract:layers"]["layers"].splitlines()]
    layers = [line for line in lines if line]
    views = next(i for i, layer in enumerate(layers) if "xml_curl.views" in layer)
    graph = grimp.build_graph(*PACKAGES)
    named = [name.strip() for layer in layers[views + 1:] for name in layer.replace(":", "|").split("|")]
    return sorted({module for name in named for module in {name} | graph.find_descendants(name)})


def flask_globals_used(source: str) -> set[str]:
    """The Flask globals a module's source imports (``from flask import g``) or reads (``flask.request``)."""
    tree, used = ast.parse(source), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "flask":
            used |= {alias.name for alias in node.names} & FLASK_GLOBALS
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "flask":
            used |= {node.attr} & FLASK_GLOBALS
    return used


def _source(module: str) -> str:
    path = ROOT / Path(*module.split("."))
    return (path / "__init__.py" if path.is_dir() else path.with_suffix(".py")).read_text()


def test_no_domain_module_reads_flask_globals():
    """Settings reach domain code as parameters (docs/processes.md, "Structure"), never through current_app."""
    modules = domain_modules()
    assert {"pbx.models", "pbx.prompts", "pbx.testcall.call", "xml_curl.dialplan",
            "pbx.messages", "schemas.input_messages"} <= set(modules)
    assert not {"pbx.app", "webadmin.calls", "xml_curl.views"} & set(modules)
    found = {module: used for module in modules if (used := flask_globals_used(_source(module)))}
    assert found == {}


def test_the_flask_globals_check_sees_every_form():
    source = "import flask\nfrom flask import Flask, current_app as app, g\nx = flask.request.args\n"
    assert flask_globals_used(source) == {"current_app", "g", "request"}
    assert flask_globals_used("from flask import Flask, jsonify\nfrom flask.cli import with_appcontext\n") == set()


def _imported(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    return [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names] + \
        [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module]
