"""Fixtures of the scenario API tests: the demo's main-number scenario."""
import copy

import pytest


@pytest.fixture
def base(demo):
    """The API address of the demo's first main-number scenario."""
    return f"/api/main-numbers/{demo.main_numbers[0].id}/scenario"


@pytest.fixture
def draft(demo):
    """A copy of its draft tree, to change freely."""
    return copy.deepcopy(demo.main_numbers[0].scenario.draft)
