"""Run the product's processes: gunicorn (web panel + xml_curl endpoint) in the foreground,
the event listener and the task worker as supervised child processes."""
from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from gunicorn.app.base import BaseApplication

log = logging.getLogger(__name__)
RESTART_DELAY = 2.0


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from pbx.wsgi import app

        return app


class Supervised:
    """A ``centralka`` sub-command kept running: restarted when it crashes, stopped with us."""

    def __init__(self, *args: str):
        executable = Path(sys.executable).with_name("centralka")
        self.command = [str(executable if executable.exists() else shutil.which("centralka")), *args]
        self.process: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._keep_running, name=f"supervise-{args[0]}", daemon=True)

    def start(self) -> Supervised:
        self._thread.start()
        return self

    def _keep_running(self) -> None:
        while not self._stopping.is_set():
            self.process = subprocess.Popen(self.command)
            code = self.process.wait()
            if code == 0:
                return  # asked to stop (SIGTERM to the process group, e.g. Ctrl-C): not a crash
            log.warning("%s exited with %s; restarting in %.0f s", " ".join(self.command[1:]), code, RESTART_DELAY)
            self._stopping.wait(RESTART_DELAY)

    def stop(self) -> None:
        self._stopping.set()
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def run(host: str, port: int, workers: int, *, listener: bool = True, worker: bool = True) -> None:
    children = []
    if worker:
        children.append(Supervised("tasks", "worker").start())
    if listener:
        children.append(Supervised("listener").start())
    try:
        _Gunicorn({"bind": f"{host}:{port}", "workers": workers, "accesslog": "-", "timeout": 30}).run()
    finally:
        for child in children:
            child.stop()
