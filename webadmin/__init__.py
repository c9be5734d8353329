"""The web panel and its REST API, one blueprint per area."""
from flask import Flask


def register(app: Flask) -> None:
    from webadmin import announcements, audit, auth, calls, directory, numbers, panel, scenarios, voicemail

    for module in (auth, directory, numbers, announcements, voicemail, scenarios, calls, audit, panel):
        app.register_blueprint(module.bp)
    app.register_blueprint(__import__("webadmin.testcall", fromlist=["bp"]).bp)
