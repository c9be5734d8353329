"""One configuration class, read from environment variables (12-factor)."""
import ipaddress
import os
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("CENTRALKA_INSTANCE", Path(__file__).resolve().parent.parent / "instance"))


class UnsafeConfiguration(Exception):
    """A setting that would leave the product open; the message names the setting to change."""


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings for every process (web panel, xml_curl endpoint, event listener, CLI).

    Each attribute reads its environment variable at class creation; tests pass
    overrides to ``create_app`` instead of touching the environment.
    """

    # "production" (the Dockerfile sets it): every secret must come from the environment and be strong.
    ENVIRONMENT = os.environ.get("CENTRALKA_ENV", "development")
    # Unset: a random key kept in instance/secret-key (pbx.instance_secrets), refused in production.
    SECRET_KEY = os.environ.get("CENTRALKA_SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "CENTRALKA_DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'centralka.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Reports and call exports read from here when set (a PostgreSQL replica, docs/architecture.md);
    # unset: from the database above. Nothing is ever written to it.
    REPORTS_DATABASE_URL = os.environ.get("CENTRALKA_REPORTS_DATABASE_URL") or None

    # Where recordings and announcements live when no S3 bucket is configured.
    STORAGE_DIR = os.environ.get("CENTRALKA_STORAGE_DIR", str(INSTANCE_DIR / "storage"))
    S3_BUCKET = os.environ.get("CENTRALKA_S3_BUCKET", "")
    S3_ENDPOINT_URL = os.environ.get("CENTRALKA_S3_ENDPOINT_URL") or None
    S3_REGION = os.environ.get("CENTRALKA_S3_REGION", "eu-central-1")

    # mod_xml_curl endpoint, HTTP basic auth. Password unset: generated into
    # instance/switch-credentials; set to "": no auth, loopback only, and no directory served.
    XML_CURL_USER = os.environ.get("CENTRALKA_XML_CURL_USER", "freeswitch")
    XML_CURL_PASSWORD = os.environ.get("CENTRALKA_XML_CURL_PASSWORD")
    # Switch addresses allowed to ask (comma-separated IPs/CIDRs); empty: any address.
    XML_CURL_ALLOWED = os.environ.get("CENTRALKA_XML_CURL_ALLOWED", "")
    XML_CURL_BUDGET_MS = int(os.environ.get("CENTRALKA_XML_CURL_BUDGET_MS", "800"))
    # callcenter.conf while no good one is kept (a host's first start: nothing in memory or on disk)
    # waits for its compiles up to this instead: "not found" would leave the switch without queues
    # until the next switch sync. Under mod_xml_curl's 3 s timeout (freeswitch/autoload_configs).
    XML_CURL_FIRST_CALLCENTER_MS = int(os.environ.get("CENTRALKA_XML_CURL_FIRST_CALLCENTER_MS", "2500"))
    # A "Call a server" node's hunt ends within this from its arrival, whatever the node's own
    # deadline: under mod_xml_curl's 3 s timeout, with room for the reply to travel.
    SERVER_CALL_LIMIT_MS = int(os.environ.get("CENTRALKA_SERVER_CALL_LIMIT_MS", "2500"))
    # Development and tests only: let those nodes ask http:// on the loopback (refused in production).
    SERVER_CALL_LOOPBACK_HTTP = os.environ.get("CENTRALKA_SERVER_CALL_LOOPBACK_HTTP") == "1"
    CARRIER_GATEWAY = os.environ.get("CENTRALKA_CARRIER_GATEWAY", "carrier")
    # The dialplan context of calls from the carrier, and the country of national numbers.
    PUBLIC_CONTEXT = os.environ.get("CENTRALKA_PUBLIC_CONTEXT", "public")
    COUNTRY_CODE = os.environ.get("CENTRALKA_COUNTRY_CODE", "48")
    SIP_DOMAIN_SUFFIX = os.environ.get("CENTRALKA_SIP_DOMAIN_SUFFIX", "pbx.local")
    # Where phones register, as the panel tells people setting up a softphone; empty: the SIP domain itself.
    SIP_PUBLIC_HOST = os.environ.get("CENTRALKA_SIP_PUBLIC_HOST", "")
    SIP_PUBLIC_PORT = int(os.environ.get("CENTRALKA_SIP_PUBLIC_PORT", "5060"))
    SIP_TRANSPORT = os.environ.get("CENTRALKA_SIP_TRANSPORT", "udp")
    RECORDINGS_DIR = os.environ.get("CENTRALKA_RECORDINGS_DIR", "/var/lib/freeswitch/recordings")
    # Where this host sees the switch's recordings folder when it is mounted elsewhere.
    RECORDINGS_MOUNT = os.environ.get("CENTRALKA_RECORDINGS_MOUNT") or None
    # Rendered prompts, one folder per tenant; FreeSWITCH sees this folder as
    # $${sounds_dir}/centralka (a shared volume or a synced copy, see docs/freeswitch.md).
    PROMPTS_DIR = os.environ.get("CENTRALKA_PROMPTS_DIR", str(INSTANCE_DIR / "prompts"))
    MAX_PROMPT_UPLOAD_BYTES = 2 * 1024 * 1024

    # Event socket(s) the listener connects to: "host:port:password,host:port:password".
    # Unset: 127.0.0.1:8021 with the password generated into instance/switch-credentials.
    ESL_SERVERS = os.environ.get("CENTRALKA_ESL_SERVERS")
    # CDR posting (json_cdr.conf.xml). Password unset: generated (production: posting off); "": off.
    CDR_USER = os.environ.get("CENTRALKA_CDR_USER", "cdr")
    CDR_PASSWORD = os.environ.get("CENTRALKA_CDR_PASSWORD")
    # CDR posts a switch endpoint worker stores at once; more are answered 503 and mod_json_cdr posts
    # them again 5 s later: the other threads stay free for hunts, which the switch waits 3 s for.
    CDR_CONCURRENT_POSTS = int(os.environ.get("CENTRALKA_CDR_CONCURRENT_POSTS", "4"))

    # Task queue: "sqlite" (embedded, file in the instance folder), "redis://..." or "memory".
    TASK_QUEUE_URL = os.environ.get("CENTRALKA_TASK_QUEUE_URL", "sqlite")
    SMTP_HOST = os.environ.get("CENTRALKA_SMTP_HOST", "127.0.0.1")
    SMTP_PORT = int(os.environ.get("CENTRALKA_SMTP_PORT", "25"))
    SMTP_SENDER = os.environ.get("CENTRALKA_SMTP_SENDER", "centralka@localhost")

    # Rows one direct download of calls may hold; more: 422 asking for a shorter period or a
    # background export (written by the task worker to storage, any number of rows).
    EXPORT_MAX_ROWS = int(os.environ.get("CENTRALKA_EXPORT_MAX_ROWS", "100000"))
    # A scheduled export's file up to this size is attached to the e-mail; a bigger one is linked.
    EXPORT_ATTACH_MAX_BYTES = int(os.environ.get("CENTRALKA_EXPORT_ATTACH_MAX_BYTES", str(10 * 1024 * 1024)))
    # The panel's address as people open it, for links in e-mails.
    PANEL_URL = os.environ.get("CENTRALKA_PANEL_URL", "http://127.0.0.1:8000")

    LOGIN_CODE_TTL_SECONDS = int(os.environ.get("CENTRALKA_LOGIN_CODE_TTL", "600"))
    # Bring the switches' queues and directory cache in line after every configuration commit.
    SWITCH_SYNC_ON_COMMIT = _bool("CENTRALKA_SWITCH_SYNC_ON_COMMIT", True)
    TESTING = _bool("CENTRALKA_TESTING", False)
    INSTANCE_PATH = str(INSTANCE_DIR)

    # Sign-in, sessions, CSRF and API tokens (docs/security.md). In development sign-in codes
    # are also printed to the log; in production they go only by e-mail / SMS and cookies are Secure.
    SHOW_LOGIN_CODES = _bool("CENTRALKA_SHOW_LOGIN_CODES", ENVIRONMENT == "development")
    SECURE_COOKIES = _bool("CENTRALKA_SECURE_COOKIES", ENVIRONMENT == "production")
    # "log" (development: the text goes to the log) or "package.module.ClassName" of an SmsSender.
    SMS_BACKEND = os.environ.get("CENTRALKA_SMS_BACKEND", "log")
    SESSION_IDLE_MINUTES = int(os.environ.get("CENTRALKA_SESSION_IDLE_MINUTES", "30"))
    SESSION_MAX_HOURS = int(os.environ.get("CENTRALKA_SESSION_MAX_HOURS", "12"))
    # Code requests and code checks allowed per window, per sign-in address and per client address.
    SIGNIN_LIMIT_PER_ADDRESS = int(os.environ.get("CENTRALKA_SIGNIN_LIMIT_PER_ADDRESS", "5"))
    SIGNIN_LIMIT_PER_CLIENT = int(os.environ.get("CENTRALKA_SIGNIN_LIMIT_PER_CLIENT", "30"))
    SIGNIN_LIMIT_WINDOW_SECONDS = int(os.environ.get("CENTRALKA_SIGNIN_LIMIT_WINDOW", "900"))
    # Reverse proxies in front of the panel that append to X-Forwarded-For (0: clients connect directly).
    PROXY_HOPS = int(os.environ.get("CENTRALKA_PROXY_HOPS", "0"))
    # Other origins allowed to send state-changing requests (e.g. "https://panel.example.com").
    TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CENTRALKA_TRUSTED_ORIGINS", "").split(",") if o.strip()]

    # The last good xml_curl replies of every company, shared by the workers of this host and kept
    # across restarts (xml_curl.last_good); default: last-good.sqlite3 in the instance folder.
    XML_CURL_LAST_GOOD_PATH = os.environ.get("CENTRALKA_XML_CURL_LAST_GOOD") or None

    # --- Processes (docs/processes.md): the panel keeps PORT; the switch endpoint (xml_curl,
    # CDR posts) is a server of its own so no panel request can hold a dialplan reply.
    SWITCH_ENDPOINT_BIND = os.environ.get("CENTRALKA_SWITCH_ENDPOINT_BIND", "127.0.0.1:8001")
    SWITCH_ENDPOINT_WORKERS = int(os.environ.get("CENTRALKA_SWITCH_ENDPOINT_WORKERS", "2"))
    SWITCH_ENDPOINT_THREADS = int(os.environ.get("CENTRALKA_SWITCH_ENDPOINT_THREADS", "16"))
    # mod_xml_curl gives up after 3 s: a worker silent this long is stuck and is replaced.
    SWITCH_ENDPOINT_TIMEOUT = int(os.environ.get("CENTRALKA_SWITCH_ENDPOINT_TIMEOUT", "10"))
    # A request body must arrive whole within this many seconds and bytes (mod_xml_curl posts < 10 KB).
    SWITCH_ENDPOINT_BODY_SECONDS = float(os.environ.get("CENTRALKA_SWITCH_ENDPOINT_BODY_SECONDS", "2"))
    SWITCH_ENDPOINT_MAX_BODY = int(os.environ.get("CENTRALKA_SWITCH_ENDPOINT_MAX_BODY", str(256 * 1024)))
    # Panel work never takes every processor: each worker uses at most one (Python's GIL), and
    # one processor is left to call routing.
    PANEL_WORKERS = int(os.environ.get("CENTRALKA_PANEL_WORKERS", str(max(1, (os.cpu_count() or 2) - 1))))
    PANEL_THREADS = int(os.environ.get("CENTRALKA_PANEL_THREADS", "8"))
    PANEL_BODY_SECONDS = float(os.environ.get("CENTRALKA_PANEL_BODY_SECONDS", "30"))
    # The reception page's live stream (docs/reception.md) holds one panel thread while it is open: at
    # most this many per worker process (the others stay for the panel), each ended after this many
    # seconds (the browser opens the next one at once).
    RECEPTION_STREAMS = int(os.environ.get("CENTRALKA_RECEPTION_STREAMS", str(max(1, PANEL_THREADS // 2))))
    RECEPTION_STREAM_SECONDS = float(os.environ.get("CENTRALKA_RECEPTION_STREAM_SECONDS", "60"))
    # How old the switches' facts on the page may be: one round of reads per switch and process at most this often.
    RECEPTION_VIEW_SECONDS = float(os.environ.get("CENTRALKA_RECEPTION_VIEW_SECONDS", "2"))
    # The panel yields the processor to call routing (added to its niceness).
    PANEL_NICE = int(os.environ.get("CENTRALKA_PANEL_NICE", "10"))
    # --- Operations (docs/operations.md). /metrics asks for this bearer token; unset: loopback
    # clients only. The listener and the task worker answer /healthz, /readyz and /metrics on
    # these addresses ("": none).
    METRICS_TOKEN = os.environ.get("CENTRALKA_METRICS_TOKEN", "")
    LISTENER_PROBES_BIND = os.environ.get("CENTRALKA_LISTENER_PROBES_BIND", "127.0.0.1:9101")
    WORKER_PROBES_BIND = os.environ.get("CENTRALKA_WORKER_PROBES_BIND", "127.0.0.1:9102")
    # "json": one JSON object per log line, with the call's UUID where one is known; else plain text.
    LOG_FORMAT = os.environ.get("CENTRALKA_LOG_FORMAT", "text")
    # Control sockets and pid files of this instance's servers.
    RUN_DIR = os.environ.get("CENTRALKA_RUN_DIR", str(INSTANCE_DIR / "run"))


def allowed_networks(text: str) -> tuple:
    """CENTRALKA_XML_CURL_ALLOWED: comma-separated addresses or CIDR networks."""
    networks = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise UnsafeConfiguration(f"CENTRALKA_XML_CURL_ALLOWED: {item!r} is not an IP address or network "
                                      "(expected e.g. 10.0.0.5,192.168.1.0/24)") from None
    return tuple(networks)
