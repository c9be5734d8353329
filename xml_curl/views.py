"""POST /xml_curl: one URL for every section FreeSWITCH binds to us."""
from flask import Response

from xml_curl import bp

NOT_FOUND = (
    b'<document type="freeswitch/xml"><section name="result">'
    b'<result status="not found"/></section></document>'
)


@bp.post("/xml_curl")
def xml_curl():
    return Response(NOT_FOUND, mimetype="text/xml")
