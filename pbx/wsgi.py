"""WSGI entry point for gunicorn: ``gunicorn pbx.wsgi:app``."""
from pbx.app import create_app

app = create_app()
