"""Prometheus metrics of every process (docs/operations.md), with prometheus_client.

The web servers run several gunicorn workers: with ``PROMETHEUS_MULTIPROC_DIR`` set (one empty
folder per server) each worker writes its figures there and any worker's ``/metrics`` answers for
all of them. The listener and the task worker are single processes serving their own port
(pbx.probes), with gauges read when scraped.

No metric carries a company, a number or a name: labels are sections and kinds only, so a
scrape shows nothing of any tenant.
"""
from __future__ import annotations

import hmac
import ipaddress
import logging
import os

from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram,
                               generate_latest, multiprocess)
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger(__name__)

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # the metrics below write their files there from now on
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

# mod_xml_curl gives up after 3 s; the endpoint's own budget is 0.8 s (XML_CURL_BUDGET_MS).
XML_CURL_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.8, 1.0, 2.0, 3.0)
XML_CURL_SECONDS = Histogram("centralka_xml_curl_seconds", "Time to answer one xml_curl request, per section",
                             ["section"], buckets=XML_CURL_BUCKETS)
XML_CURL_FALLBACKS = Counter("centralka_xml_curl_fallbacks", "xml_curl requests that failed and got a safe reply",
                             ["section"])
SERVER_CALLS = Counter("centralka_server_calls", "\"Call a server\" nodes asked, by outcome (answered or why not)",
                       ["outcome"])
XML_CURL_LAST_GOOD = Counter("centralka_xml_curl_last_good",
                             "Safe replies that were the last good document rather than the apology", ["section"])

LISTENER_LAG = Histogram("centralka_listener_lag_seconds", "From an event's time on the switch to its handlers done",
                         buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0))
LISTENER_EVENTS = Counter("centralka_listener_events", "Switch events handled by the listener")
LISTENER_RECONNECTS = Counter("centralka_listener_reconnects", "Connections to a switch made again after one was lost")

EMAILS_FAILED = Counter("centralka_emails_failed", "E-mails the SMTP server did not take", ["kind"])
VOICEMAIL, EXPORT, FAX = "voicemail", "export", "fax"

# Read when scraped, by the process that owns the figure (see ``Gauges``).
JOURNAL_DEPTH = "centralka_listener_journal_depth"
SWITCHES_CONNECTED = "centralka_listener_switches_connected"
TASK_QUEUE_DEPTH = "centralka_task_queue_depth"
UPLOADS_PENDING = "centralka_recording_uploads_pending"
GAUGE_HELP = {
    JOURNAL_DEPTH: "Call facts in the listener's journal not yet written to the database",
    SWITCHES_CONNECTED: "Switches the listener is connected to",
    TASK_QUEUE_DEPTH: "Tasks queued and not yet run",
    UPLOADS_PENDING: "Recordings not yet uploaded to storage",
}


class Gauges:
    """A collector of gauges read when scraped: ``readers`` maps a gauge name to a function giving its value."""

    def __init__(self, readers: dict):
        self.readers = readers

    def describe(self):
        return [GaugeMetricFamily(name, GAUGE_HELP[name]) for name in self.readers]

    def collect(self):
        # A gauge whose source is away (the task queue's Redis) is left out; the others still count.
        for name, read in self.readers.items():
            try:
                value = read()
            except Exception as error:  # noqa: BLE001 - any source's failure; the reason is logged
                log.warning("metric %s not read: %s", name, error)
                continue
            yield GaugeMetricFamily(name, GAUGE_HELP[name], value=value)


def registry() -> CollectorRegistry:
    """This process's metrics, or in multiprocess mode every worker's of this server."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    found = CollectorRegistry()
    multiprocess.MultiProcessCollector(found)
    return found


def exposition(gauges: Gauges | None = None) -> tuple[bytes, str]:
    """The text ``/metrics`` answers: the metrics above, then ``gauges`` (families may follow one another)."""
    text = generate_latest(registry())
    if gauges is not None:
        own = CollectorRegistry()
        own.register(gauges)
        text += generate_latest(own)
    return text, CONTENT_TYPE_LATEST


def clear_multiprocess_folder() -> None:
    """A server's start: figures a previous run left in PROMETHEUS_MULTIPROC_DIR are not this run's."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):
            if name.endswith(".db"):
                os.remove(os.path.join(folder, name))


SCRAPE_REFUSED = "metrics need CENTRALKA_METRICS_TOKEN as a bearer token, or a loopback client without a proxy"


def may_scrape(token: str, remote_addr: str | None, headers) -> bool:
    """With ``CENTRALKA_METRICS_TOKEN`` set: the bearer token. Without: loopback clients only, and
    never a request a proxy forwarded (it would come from loopback on behalf of anyone)."""
    if token:
        given = headers.get("Authorization") or ""
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    if headers.get("X-Forwarded-For") or headers.get("Forwarded"):
        return False
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return False
    return (getattr(address, "ipv4_mapped", None) or address).is_loopback
