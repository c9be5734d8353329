"""Admins of the demo company at each level, and a second company that must stay invisible."""
from __future__ import annotations

import pytest

from pbx import directory
from pbx.extensions import db
from tests.conftest import sign_in


@pytest.fixture
def owner(demo):
    return demo.users[0]  # Anna Kowalska, level 3


@pytest.fixture
def editor(demo):
    return demo.users[5]  # Michał Lewandowski, level 2


@pytest.fixture
def viewer(demo):
    user = directory.add_user(demo, {"first_name": "Wiktor", "last_name": "Widz", "email": "wiktor@firma-abc.example",
                                     "admin_level": 1, "extension": "150"})
    db.session.commit()
    return user


@pytest.fixture
def stranger(demo):
    """The owner of another company, with a user, group, list, box and number of its own."""
    other = directory.create_tenant({"name": "Konkurencja"})
    admin = directory.add_user(other, {"first_name": "Olga", "last_name": "Obca", "email": "olga@obca.example",
                                       "admin_level": 3, "role": "admin", "extension": "101"})
    directory.add_main_number(other, {"number": "+48223330000"})
    db.session.commit()
    return admin


@pytest.fixture
def as_owner(client, owner):
    sign_in(client, owner)
    return client


@pytest.fixture
def as_editor(client, editor):
    sign_in(client, editor)
    return client


@pytest.fixture
def as_viewer(client, viewer):
    sign_in(client, viewer)
    return client


@pytest.fixture
def as_stranger(client, stranger):
    sign_in(client, stranger)
    return client
