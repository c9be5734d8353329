"""The supervisor that keeps the listener and task worker running beside the web server."""
import time

from pbx import server


def test_crashing_child_is_restarted_and_clean_exit_is_not(monkeypatch):
    monkeypatch.setattr(server, "RESTART_DELAY", 0.05)
    starts = []
    real_popen = server.subprocess.Popen

    def counting_popen(command, *args, **kwargs):
        starts.append(command)
        return real_popen(command, *args, **kwargs)

    monkeypatch.setattr(server.subprocess, "Popen", counting_popen)
    crashing = server.Supervised("no-such-command").start()  # click exits 2
    deadline = time.monotonic() + 30
    while len(starts) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    crashing.stop()
    assert len(starts) >= 2

    starts.clear()
    clean = server.Supervised("--help").start()
    clean._thread.join(timeout=30)
    assert not clean._thread.is_alive()
    assert len(starts) == 1
