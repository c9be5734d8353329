"""CENTRALKA_LOG_FORMAT=json: one JSON object per line, naming the call where one is known."""
from __future__ import annotations

import io
import json
import logging

import pytest

from pbx import logs
from tests.xml_curl.conftest import hunt, post, with_fields
from xml_curl.store import DatabaseDown

CALL = "0f6c3b8e-6b1a-4d0e-9a53-3c1e2f4a5b6c"


@pytest.fixture
def json_lines():
    """What the xml_curl logger writes through the JSON handler, one parsed object per line."""
    stream = io.StringIO()
    handler = logs.handler("json", stream)
    logger = logging.getLogger("centralka.xml_curl")
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


def test_a_failed_hunt_is_logged_as_json_with_its_call_uuid(client, app, demo, compiler, monkeypatch, json_lines):
    def database_down(*_args):
        raise DatabaseDown("connection refused")

    monkeypatch.setattr(app.extensions["xml_curl"].sections["dialplan"], "serve", database_down)
    post(client, with_fields(hunt(f"tenant_{demo.id}", "101"), {"Unique-ID": CALL}))
    line = next(line for line in json_lines() if "serving the safe reply" in line["message"])
    assert line["call_uuid"] == CALL
    assert line["level"] == "ERROR" and line["name"] == "centralka.xml_curl" and line["time"]


def test_lines_inside_a_call_name_it_and_lines_outside_do_not(json_lines):
    logger = logging.getLogger("centralka.xml_curl")
    with logs.for_call(CALL):
        logger.warning("inside")
    logger.warning("outside")
    inside, outside = json_lines()
    assert (inside["message"], inside["call_uuid"]) == ("inside", CALL)
    assert outside["message"] == "outside" and "call_uuid" not in outside


def test_text_stays_the_default():
    stream = io.StringIO()
    logger = logging.getLogger("centralka.test_text")
    logger.addHandler(logs.handler("text", stream))
    logger.warning("plain %s", "words")
    assert stream.getvalue().rstrip().endswith("WARNING centralka.test_text: plain words")
