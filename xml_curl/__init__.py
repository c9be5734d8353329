"""The mod_xml_curl endpoint FreeSWITCH asks for dialplan, directory and configuration XML."""
from flask import Blueprint

bp = Blueprint("xml_curl", __name__)

from xml_curl import views  # noqa: E402,F401  (registers the routes on bp)
