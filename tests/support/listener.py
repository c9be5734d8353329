"""The listener as the tests run it: started against a fake switch, and a wait for what it writes."""
import functools
import time

from pbx.app import create_app
from pbx.listener_app import ListenerService


def eventually(check, timeout=15.0, every=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every)
    return check()


def start_service(app, freeswitch, journal, announce_every=30.0):
    service = ListenerService(app, functools.partial(create_app, dict(app.config)),
                              servers=[(*freeswitch.address, "ClueCon")], journal_path=str(journal),
                              announce_every=announce_every, backoff_min=0.05, backoff_max=0.2)
    service.start()
    assert freeswitch.wait_subscribed(1)
    return service
