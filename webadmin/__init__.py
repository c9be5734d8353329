"""The web panel and its REST API, one blueprint per area."""
from flask import Flask


def register(app: Flask) -> None:
    from webadmin.auth import bp as auth_bp
    from webadmin.directory import bp as directory_bp
    from webadmin.panel import bp as panel_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(directory_bp)
    app.register_blueprint(panel_bp)
