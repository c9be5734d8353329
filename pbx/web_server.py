"""The two web servers, each its own gunicorn master with its own workers: the panel (web panel
and REST API, on PORT) and the switch endpoint (what FreeSWITCH calls: xml_curl and CDR posts,
on CENTRALKA_SWITCH_ENDPOINT_BIND), so no panel request, slow client or long report can hold a
dialplan reply. Both use threaded workers: a slow client holds one thread, not a whole worker."""
from __future__ import annotations

import os
from pathlib import Path

from gunicorn.app.base import BaseApplication

from pbx import metrics, wsgi
from pbx.config import Config

PANEL, SWITCH_ENDPOINT = "panel", "switch-endpoint"


class WebServer(BaseApplication):
    """gunicorn run from code: the master never builds the app, each worker builds its own."""

    def __init__(self, name: str, options: dict):
        self.name, self.options = name, options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return wsgi.panel() if self.name == PANEL else wsgi.switch_endpoint()


def runtime_paths(name: str, run_dir: str | None = None) -> dict:
    """This instance's control socket and pid file: two instances on one host never share them."""
    folder = Path(run_dir or Config.RUN_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return {"control_socket": str(folder / f"{name}.ctl"), "pidfile": str(folder / f"{name}.pid")}


def _common(name: str, bind: str, workers: int, threads: int) -> dict:
    return {"bind": bind, "workers": workers, "worker_class": "gthread", "threads": threads,
            "proc_name": f"centralka-{name}", "accesslog": "-",
            # Stopping gives requests in flight 2 s: the whole stop stays under 5 s.
            "graceful_timeout": 2, **runtime_paths(name)}


def panel_options(bind: str, workers: int) -> dict:
    return {**_common(PANEL, bind, workers, Config.PANEL_THREADS), "timeout": 30}


def switch_endpoint_options(bind: str, workers: int) -> dict:
    return {**_common(SWITCH_ENDPOINT, bind, workers, Config.SWITCH_ENDPOINT_THREADS),
            "timeout": Config.SWITCH_ENDPOINT_TIMEOUT, "keepalive": 2}


def run_panel(bind: str, workers: int) -> None:
    metrics.clear_multiprocess_folder()
    # Panel work (reports, previews, exports) yields the processor to call routing.
    os.nice(Config.PANEL_NICE)
    WebServer(PANEL, panel_options(bind, workers)).run()


def run_switch_endpoint(bind: str, workers: int) -> None:
    metrics.clear_multiprocess_folder()
    WebServer(SWITCH_ENDPOINT, switch_endpoint_options(bind, workers)).run()
