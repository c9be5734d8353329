"""The mod_xml_curl endpoint FreeSWITCH asks for dialplan, directory and configuration XML."""
import ipaddress
from dataclasses import dataclass

from flask import Blueprint

from pbx.config import UnsafeConfiguration

from xml_curl.configuration import Configuration
from xml_curl.dialplan import Dialplans
from xml_curl.directory import Directory
from xml_curl.revisions import Revisions
from xml_curl.store import Store, connect_timeout, lookup_engine

bp = Blueprint("xml_curl", __name__)


@dataclass(frozen=True)
class Endpoint:
    """The endpoint of one app: its section handlers (with their caches) and settings."""

    sections: dict
    user: str
    password: str  # empty: no auth (loopback only, see pbx.startup_checks), and no directory served
    allowed: tuple  # networks switches ask from; empty: any address
    budget_seconds: float


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


@bp.record_once
def _setup(state) -> None:
    """One endpoint per app, i.e. per worker process; read once, not per request."""
    app = state.app
    url, budget_ms = app.config["SQLALCHEMY_DATABASE_URI"], app.config["XML_CURL_BUDGET_MS"]
    revisions = None if url.startswith("sqlite") else Revisions(url, connect_timeout(budget_ms))
    store = Store(lookup_engine(url, budget_ms), revisions)
    dialplans = Dialplans(app, store)
    app.extensions["xml_curl"] = Endpoint(
        sections={"dialplan": dialplans, "directory": Directory(app, store),
                  "configuration": Configuration(dialplans)},
        user=app.config["XML_CURL_USER"], password=app.config["XML_CURL_PASSWORD"] or "",
        allowed=allowed_networks(app.config["XML_CURL_ALLOWED"]),
        budget_seconds=app.config["XML_CURL_BUDGET_MS"] / 1000,
    )


from xml_curl import views  # noqa: E402,F401  (registers the routes on bp)
