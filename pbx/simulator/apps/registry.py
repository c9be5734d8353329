"""The applications the simulator models, by name, and how the core runs one."""

from __future__ import annotations

from typing import Callable

from pbx.simulator.apps.channel import Call, UnsupportedApplication, switch_true

APPS: dict[str, Callable[[Call, str], None]] = {}

# Applications flagged SAF_ROUTING_EXEC in mod_dptools.c: only these may run inline.
INLINE_APPS = {"set", "export", "unset", "set_global", "log", "info", "event"}


def application(*names: str):
    """Register a model under the application names a dialplan runs it by."""
    def register(model: Callable[[Call, str], None]):
        for name in names:
            APPS[name] = model
        return model
    return register


def run(call: Call, application_name: str, data: str) -> None:
    """switch_core_session_exec(): expand the data, report it, run the model."""
    model = APPS.get(application_name)
    if model is None:
        raise UnsupportedApplication(f"application {application_name!r} is not modelled")
    if not switch_true(call.variables.get("app_disable_expand_variables")):
        data = call.expand(data)
    call.executed(application_name, data)
    model(call, data)
