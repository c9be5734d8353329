"""The address book tests count and search every contact: they start from an empty book, without
the demo company's contacts (tests/contacts/test_demo_and_cli.py covers those)."""
from __future__ import annotations

import pytest

from pbx import models
from pbx.extensions import db


@pytest.fixture(autouse=True)
def empty_book(request):
    if "demo" in request.fixturenames:
        request.getfixturevalue("demo")
        db.session.execute(db.delete(models.Contact))
        db.session.commit()
