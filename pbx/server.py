"""Run the product's processes: gunicorn serving the panel and the xml_curl endpoint."""
from __future__ import annotations

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from pbx.wsgi import app

        return app


def run(host: str, port: int, workers: int) -> None:
    _Gunicorn({"bind": f"{host}:{port}", "workers": workers, "accesslog": "-", "timeout": 30}).run()
