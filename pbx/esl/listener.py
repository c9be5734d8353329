"""Event listener core: readers feed a bounded queue, one dispatcher runs handlers.

One reader thread per FreeSWITCH connection (the ESLClient's) only frames bytes
and enqueues events, so the socket is drained even while a handler is slow:
FreeSWITCH queues at most 100,000 events per listener and kills listeners that lag.
The events of one socket read travel as one queue item, and the dispatcher takes
everything queued at once (up to ``group_size`` events): per-event locking would
cost more than the parsing.

Full-queue policy: the queue holds at most ``queue_size`` events. The reader waits
up to ``put_timeout`` for room, then drops the OLDEST queued events (counted in
``stats()["dropped"]``) and enqueues the new ones. The reader never blocks the
socket for longer than ``put_timeout`` per read, and what is dispatched stays as
fresh as possible.

Group: the events taken together are dispatched inside ``group()`` (a context
manager, e.g. one journal transaction for all their facts), so a burst costs one
commit; an event counts as handled once its group has closed.

Handlers are isolated: an exception is logged with its traceback, counted, and
the loop goes on. Connections that drop or fail to authenticate are retried with
exponential backoff and jitter.
"""
import collections
import contextlib
import functools
import logging
import random
import threading
import time

from pbx.esl.client import ConnectionLost, ESLClient

log = logging.getLogger(__name__)

ANY = "*"


class EventListener:
    """Subscribe to FreeSWITCH servers and dispatch their events to handlers.

    ``servers``: ``[(host, port, password), ...]``. ``events`` / ``custom_subclasses``:
    what to subscribe to; when ``events`` is None it is derived from the handlers
    registered before ``start()`` (``ALL`` if a ``"*"`` handler exists).
    """

    def __init__(self, servers, events=None, custom_subclasses=(), queue_size=10000,
                 fmt="json", put_timeout=0.5, backoff_min=0.5, backoff_max=30.0,
                 backoff_jitter=0.2, connect_timeout=5.0, idle_timeout=None,
                 stats_interval=60.0, group=contextlib.nullcontext, group_size=1000, on_connected=None,
                 on_disconnected=None):
        self.servers = [tuple(server) for server in servers]
        self.events = list(events) if events is not None else None
        self.custom_subclasses = list(custom_subclasses)
        self.fmt = fmt
        self.put_timeout = put_timeout
        self.backoff_min, self.backoff_max = backoff_min, backoff_max
        self.backoff_jitter = backoff_jitter
        self.connect_timeout = connect_timeout
        self.idle_timeout = idle_timeout
        self.stats_interval = stats_interval
        self.group, self.group_size = group, group_size
        # Called with (host, port, password) after each (re)connection, e.g. to resync the switch,
        # and after a connection is lost (not when the listener stops).
        self.on_connected, self.on_disconnected = on_connected, on_disconnected
        self._queue = EventQueue(queue_size)
        self._handlers = collections.defaultdict(list)
        self._clients = [None] * len(self.servers)
        self._last_event = [None] * len(self.servers)  # time.time() of each server's latest read with events
        self._threads = []
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._stats = dict(dispatched=0, handler_failures=0, group_failures=0,
                           connects=0, disconnects=0, connect_failures=0,
                           lag_last=None, lag_max=0.0, wait_max=0.0)
        self._failures_by_handler = collections.Counter()

    # -- handler registry -------------------------------------------------------------
    def on(self, name, subclass=None, handler=None):
        """Register ``handler(event)`` for an Event-Name (``"*"`` for every event).

        ``on("CUSTOM", subclass="callcenter::info")`` narrows CUSTOM events.
        Usable as a decorator or called with ``handler``.
        """
        def register(func):
            self._handlers[(name, subclass if name == "CUSTOM" else None)].append(func)
            return func
        return register(handler) if handler is not None else register

    def _handlers_for(self, event):
        name = event.name
        found = list(self._handlers.get((name, None), ()))
        if name == "CUSTOM":
            found += self._handlers.get((name, event.subclass), ())
        found += self._handlers.get((ANY, None), ())
        return found

    def subscription(self):
        """(events, custom_subclasses) this listener asks FreeSWITCH for."""
        if self.events is not None:
            return self.events, self.custom_subclasses
        names = {name for name, _ in self._handlers}
        if ANY in names or (("CUSTOM", None) in self._handlers and not self.custom_subclasses):
            return ["ALL"], []
        subclasses = list(self.custom_subclasses)
        subclasses += [sub for name, sub in self._handlers if name == "CUSTOM" and sub]
        return sorted(names - {"CUSTOM"}), sorted(set(subclasses))

    # -- life cycle -------------------------------------------------------------------
    def start(self):
        self._stopping.clear()
        self._threads = [threading.Thread(target=self._dispatch_loop, name="esl-dispatcher",
                                          daemon=True)]
        for index in range(len(self.servers)):
            self._threads.append(threading.Thread(
                target=self._connection_loop, args=(index,), name=f"esl-connection-{index}",
                daemon=True))
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, timeout=5.0):
        """Close the connections, dispatch what is already queued, stop the threads."""
        self._stopping.set()
        for client in list(self._clients):
            if client is not None:
                client.close()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._threads = []

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def wait_connected(self, count=None, timeout=5.0):
        """Wait until ``count`` (default: all) servers are connected and subscribed."""
        count = len(self.servers) if count is None else count
        deadline = time.monotonic() + timeout
        while sum(1 for c in self._clients if c is not None and c.connected) < count:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def api(self, command, server=None, timeout=None):
        """Run an API command (e.g. uuid_broadcast) on a connected server."""
        indexes = [server] if server is not None else range(len(self.servers))
        for index in indexes:
            client = self._clients[index]
            if client is not None and client.connected:
                return client.api(command, timeout=timeout)
        raise ConnectionLost("no FreeSWITCH connection")

    # -- connections ------------------------------------------------------------------
    def _connection_loop(self, index):
        host, port, password = self.servers[index]
        delay = self.backoff_min
        while not self._stopping.is_set():
            client = ESLClient(host, port, password, self.connect_timeout,
                               on_events=functools.partial(self._received, index), idle_timeout=self.idle_timeout)
            try:
                client.connect()
                client.subscribe(*self.subscription(), fmt=self.fmt)
            except Exception as exc:  # noqa: BLE001 - refused, timed out, bad password...
                client.close()
                self._count("connect_failures")
                log.warning("ESL %s:%s: %s; retrying in %.1f s", host, port, exc, delay)
            else:
                self._clients[index] = client
                self._count("connects")
                log.info("ESL %s:%s connected", host, port)
                self._call(self.on_connected, index)
                delay = self.backoff_min
                while not client.wait_closed(0.5) and not self._stopping.is_set():
                    pass
                self._clients[index] = None
                client.close()
                if self._stopping.is_set():
                    break
                self._count("disconnects")
                self._call(self.on_disconnected, index)
            self._stopping.wait(self._jittered(delay))
            delay = min(self.backoff_max, delay * 2)

    def _call(self, callback, index):
        if callback is None:
            return
        try:
            callback(self.servers[index])
        except Exception:  # noqa: BLE001 - a failing callback must not drop the connection
            log.exception("ESL %s:%s: %s failed", *self.servers[index][:2], _handler_name(callback))

    def server_states(self):
        """Per server (host, port, password): (connected, time.time() of its latest events or None)."""
        return {server: (client is not None and client.connected, last)
                for server, client, last in zip(self.servers, self._clients, self._last_event)}

    def _jittered(self, delay):
        return delay * (1 + random.uniform(-self.backoff_jitter, self.backoff_jitter))

    def _received(self, index, events):
        self._last_event[index] = time.time()
        self._enqueue(events)

    def _enqueue(self, events):
        """Runs on a reader thread: never block the socket for long (see module doc)."""
        for dropped in self._queue.put(events, self.put_timeout):
            log.warning("ESL event queue full: dropped %r", dropped)

    # -- dispatcher -------------------------------------------------------------------
    def _dispatch_loop(self):
        next_report = time.monotonic() + self.stats_interval
        while True:
            received_at, events = self._queue.take(self.group_size, timeout=0.1)
            if events:
                self.dispatch(events, received_at)
            elif self._stopping.is_set() and not any(t.is_alive() for t in self._threads[1:]):
                break
            if time.monotonic() >= next_report:
                next_report = time.monotonic() + self.stats_interval
                log.info("ESL listener stats: %s", self.stats())

    def dispatch(self, events, received_at=None):
        """Run the handlers of ``events``, in order, inside one ``group()``."""
        failures = []
        try:
            with self.group():
                for event in events:
                    for handler in self._handlers_for(event):
                        try:
                            handler(event)
                        except Exception:  # noqa: BLE001 - one handler must not stop the others
                            log.exception("ESL handler %s failed on %r", _handler_name(handler), event)
                            failures.append(_handler_name(handler))
        except Exception:  # noqa: BLE001 - e.g. the journal's disk is full; go on with the next group
            log.exception("ESL dispatch group of %d events failed to close", len(events))
            self._count("group_failures")
        stamp = events[-1].timestamp  # lag: once per group is enough to see a trend
        lag = time.time() - stamp if stamp else None
        with self._lock:
            stats = self._stats
            stats["dispatched"] += len(events)
            stats["handler_failures"] += len(failures)
            self._failures_by_handler.update(failures)
            if received_at is not None:
                stats["wait_max"] = max(stats["wait_max"], time.monotonic() - received_at)
            if lag is not None:
                stats["lag_last"] = lag
                stats["lag_max"] = max(stats["lag_max"], lag)

    def _count(self, key):
        with self._lock:
            self._stats[key] += 1

    def stats(self):
        """Counters plus ``queue_depth``; ``lag_*`` is dispatch time minus
        Event-Date-Timestamp (includes clock skew), ``wait_max`` the longest queue wait."""
        with self._lock:
            snapshot = dict(self._stats)
            snapshot["failures_by_handler"] = dict(self._failures_by_handler)
        snapshot.update(self._queue.stats())
        snapshot["connected"] = sum(1 for c in self._clients if c is not None and c.connected)
        return snapshot


def _handler_name(handler):
    return getattr(handler, "__qualname__", repr(handler))


class EventQueue:
    """Bounded in events; an item is the list of events of one socket read."""

    def __init__(self, size):
        self.size = size
        self._items = collections.deque()  # (received_at, events)
        self._count = 0
        self._cond = threading.Condition()
        self._stats = dict(received=0, dropped=0, queue_peak=0)

    def put(self, events, timeout):
        """Enqueue; returns the events dropped to make room (oldest first)."""
        received = len(events)
        room_needed = self.size - min(received, self.size)
        with self._cond:
            if self._count > room_needed:
                self._cond.wait_for(lambda: self._count <= room_needed, timeout)
            dropped = self._drop_oldest(self._count - room_needed)
            if len(events) > self.size:
                dropped += events[:-self.size]
                events = events[-self.size:]
            self._items.append((time.monotonic(), events))
            self._count += len(events)
            stats = self._stats
            stats["received"] += received
            stats["dropped"] += len(dropped)
            stats["queue_peak"] = max(stats["queue_peak"], self._count)
            self._cond.notify_all()
        return dropped

    def _drop_oldest(self, count):
        dropped = []
        while count > 0:
            received_at, events = self._items[0]
            if len(events) <= count:
                self._items.popleft()
            else:
                self._items[0] = (received_at, events[count:])
                events = events[:count]
            dropped += events
            count -= len(events)
            self._count -= len(events)
        return dropped

    def take(self, limit, timeout):
        """(when the oldest was received, events): whole items, at least one, up to ``limit``
        events; (None, []) after ``timeout`` with nothing queued."""
        with self._cond:
            if not self._count and not self._cond.wait_for(lambda: self._count, timeout):
                return None, []
            received_at, events = self._items.popleft()
            if self._items:
                events = list(events)
                while self._items and len(events) + len(self._items[0][1]) <= limit:
                    events += self._items.popleft()[1]
            self._count -= len(events)
            self._cond.notify_all()
        return received_at, events

    def stats(self):
        with self._cond:
            return dict(self._stats, queue_depth=self._count)
