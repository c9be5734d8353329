"""``centralka serve``: the development supervisor. A small parent process whose only job is to
start the product's processes (the panel server, the switch endpoint server, the event listener
and the task worker) as separate children and keep them running.

Hand-written rather than honcho, supervisord or circus: it must restart a child on any exit
(honcho stops everything when one exits), forward SIGHUP to the web servers only, and add no
daemon or dependency to a development setup; production uses systemd units or compose services
instead (scripts/systemd/, docker-compose.yml), which restart the same commands the same way.

Nothing here runs in a child: the children are exec'd commands, so a forked gunicorn worker
has no copy of this supervisor and no way to stop its siblings.
"""
from __future__ import annotations

import ctypes
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from pbx import logs
from pbx.config import Config

log = logging.getLogger("centralka.serve")

FIRST_DELAY, LONGEST_DELAY = 1.0, 30.0
# A child that ran this long before exiting is restarted at once (after FIRST_DELAY) again.
STEADY_AFTER = 60.0
# Within the 5 s a stop may take: gunicorn's graceful timeout is 2 s, the listener's writer 2.5 s.
STOP_WITHIN = 4.0
TICK = 0.1


def centralka(*args: str) -> list[str]:
    executable = Path(sys.executable).with_name("centralka")
    return [str(executable if executable.exists() else shutil.which("centralka")), *args]


def exit_reason(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with code {code}"


def _die_with_parent() -> None:
    """Runs in the child before exec: its own process group (Ctrl-C reaches only the
    supervisor, which stops the children in order), SIGTERM if the supervisor dies, and a
    reload (SIGHUP) ignored until the web server has its own handler in place."""
    os.setpgrp()
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Child:
    """One supervised process: its command, the running process, and when to start it next."""

    name: str
    command: list[str]
    reloads_on_hup: bool = False
    environment: dict | None = None  # added to the supervisor's own
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    delay: float = FIRST_DELAY
    start_at: float = 0.0
    restarts: int = 0

    def start(self) -> None:
        self.started_at = time.monotonic()
        try:
            self.process = subprocess.Popen(self.command, preexec_fn=_die_with_parent,
                                            env={**os.environ, **self.environment} if self.environment else None)
        except OSError as error:  # not even started (e.g. the command is missing): try again later
            log.error("%s could not start: %s; trying again in %.0f s", self.name, error, self.delay)
            self.start_at, self.delay = self.started_at + self.delay, min(LONGEST_DELAY, self.delay * 2)
            return
        log.info("%s started (pid %d)", self.name, self.process.pid)

    def exited(self, now: float) -> None:
        """Schedule the restart: 1 s, doubling to 30 s while it keeps dying young."""
        ran = now - self.started_at
        if ran >= STEADY_AFTER:
            self.delay = FIRST_DELAY
        log.warning("%s (pid %d) %s after %.1f s; restarting in %.0f s", self.name, self.process.pid,
                    exit_reason(self.process.returncode), ran, self.delay)
        self.process, self.start_at, self.restarts = None, now + self.delay, self.restarts + 1
        self.delay = min(LONGEST_DELAY, self.delay * 2)

    def signal(self, signum: int) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signum)


class Supervisor:
    """Starts the children, restarts any that exits, stops them all on SIGTERM or SIGINT."""

    def __init__(self, children: list[Child], pidfile: str | None = None):
        self.children, self.pidfile = children, pidfile
        self._stop_signal: int | None = None
        self._reload = False

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_hup)
        if self.pidfile:
            Path(self.pidfile).write_text(f"{os.getpid()}\n")
        try:
            for child in self.children:
                child.start()
            while self._stop_signal is None:
                self._tick(time.monotonic())
                time.sleep(TICK)
            log.info("%s: stopping", signal.Signals(self._stop_signal).name)
        finally:
            self.stop()
            if self.pidfile:
                Path(self.pidfile).unlink(missing_ok=True)

    def _on_stop(self, signum, _frame) -> None:
        self._stop_signal = signum

    def _on_hup(self, _signum, _frame) -> None:
        self._reload = True

    def _tick(self, now: float) -> None:
        if self._reload:
            self._reload = False
            for child in self.children:
                if child.reloads_on_hup:
                    log.info("reloading %s", child.name)
                    child.signal(signal.SIGHUP)
        for child in self.children:
            if child.process is None:
                if now >= child.start_at:
                    child.start()
            elif child.process.poll() is not None:
                child.exited(now)

    def stop(self) -> None:
        """SIGTERM to every child at once; whatever still runs after STOP_WITHIN is killed."""
        running = [c for c in self.children if c.process is not None and c.process.poll() is None]
        started = time.monotonic()
        for child in running:
            child.process.terminate()
        for child in running:
            try:
                child.process.wait(max(0.0, started + STOP_WITHIN - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("%s (pid %d) still running %.1f s after SIGTERM; killed", child.name, child.process.pid,
                            STOP_WITHIN)
                child.process.kill()
                child.process.wait()
        log.info("stopped in %.1f s", time.monotonic() - started)
        for child in self.children:
            child.process = None


def children(host: str, port: int, workers: int, *, switch_bind: str, switch_workers: int,
             listener: bool = True, worker: bool = True) -> list[Child]:
    found = [Child("panel", centralka("panel", "--bind", f"{host}:{port}", "--workers", str(workers)),
                   reloads_on_hup=True, environment=_metrics_folder("panel")),
             Child("switch-endpoint", centralka("switch-endpoint", "--bind", switch_bind,
                                                "--workers", str(switch_workers)), reloads_on_hup=True,
                   environment=_metrics_folder("switch-endpoint"))]
    if listener:
        found.append(Child("listener", centralka("listener")))
    if worker:
        found.append(Child("tasks-worker", centralka("tasks", "worker")))
    return found


def _metrics_folder(name: str) -> dict | None:
    """Each web server its own multiprocess metrics folder, inside the one given (docs/operations.md)."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return {"PROMETHEUS_MULTIPROC_DIR": str(Path(folder) / name)} if folder else None


def run(host: str, port: int, workers: int, *, switch_bind: str, switch_workers: int,
        listener: bool = True, worker: bool = True, run_dir: str) -> None:
    logs.configure(Config.LOG_FORMAT)
    Path(run_dir).mkdir(parents=True, exist_ok=True)
    Supervisor(children(host, port, workers, switch_bind=switch_bind, switch_workers=switch_workers,
                        listener=listener, worker=worker), pidfile=str(Path(run_dir) / "serve.pid")).run()
