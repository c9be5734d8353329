"""The compiler's failure: every problem found, each naming its node."""
from __future__ import annotations

from pbx.nodes.base import Problem


class ScenarioInvalid(Exception):
    def __init__(self, errors: list[Problem]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = list(errors)
