"""The web panel and its REST API, one blueprint per area."""
from flask import Flask

from pbx.nodes import registry
from webadmin import (
    announcements, audit, auth, calls, company, contacts, directory, exports, fax, numbers, openapi, operations,
    overrides, panel, queues, reception, recordings, reports, scenarios, surveys, testcall, tokens, usages, voicemail,
)


def register(app: Flask) -> None:
    for module in (auth, company, directory, contacts, numbers, overrides, announcements, voicemail, scenarios, testcall,
                   calls, fax, exports, queues, reception, reports, surveys, recordings, operations, audit, tokens, usages, openapi,
                   panel):
        app.register_blueprint(module.bp)
    # The node kinds load now: two request threads loading them at once could hand one of them a
    # registry without the last kinds ("unknown node kind voicemail" in the editor).
    registry()
