"""The web panel and its REST API, one blueprint per area."""
from flask import Flask


def register(app: Flask) -> None:
    from webadmin import (
        announcements, audit, auth, calls, company, directory, numbers, panel, scenarios, testcall, tokens, voicemail,
    )

    for module in (auth, company, directory, numbers, announcements, voicemail, scenarios, testcall, calls, audit,
                   tokens, panel):
        app.register_blueprint(module.bp)
