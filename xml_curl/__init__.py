"""The mod_xml_curl endpoint FreeSWITCH asks for dialplan, directory and configuration XML."""
from flask import Blueprint

from xml_curl.configuration import Configuration
from xml_curl.dialplan import Dialplans
from xml_curl.directory import Directory
from xml_curl.store import Store, lookup_engine

bp = Blueprint("xml_curl", __name__)


@bp.record_once
def _setup(state) -> None:
    """One set of section handlers (and caches) per app, i.e. per worker process."""
    app = state.app
    store = Store(lookup_engine(app.config["SQLALCHEMY_DATABASE_URI"], app.config["XML_CURL_BUDGET_MS"]))
    app.extensions["xml_curl"] = {
        "dialplan": Dialplans(app, store),
        "directory": Directory(app, store),
        "configuration": Configuration(),
    }


from xml_curl import views  # noqa: E402,F401  (registers the routes on bp)
