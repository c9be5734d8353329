"""Opt-in: a fax sent to ourselves on a real FreeSWITCH with mod_spandsp.

The test adds (once) a main number whose scenario is one fax node into the first voicemail box,
copies the two-page Group 4 fixture into the switch's recordings folder (the switch must run on
this host, or the folder be shared), and originates `sofia/external/<number>@<CENTRALKA_LIVE_SIP>
&txfax(<file>)`: the switch calls its own external profile, which hunts the main number in
`public` as a carrier's call would, reaches our fax node and runs `rxfax`. The sender refuses the
node's T.38 request (fax_enable_t38=false), so the fax goes as G.711 over RTP through spandsp's
modems both ways. Through a loopback channel (CENTRALKA_LIVE_FAX_ROUTE=loopback) the same call
reached the node, but the two fax machines never heard each other (T.30's T0 ran out after 60 s),
so SIP is the default. Both legs must end with
`fax_success=1` and two pages; then the listener and the task worker of that Centralka must have
stored the fax and made its PDF (two pages) available in the API.

Needs CENTRALKA_LIVE_ESL, CENTRALKA_LIVE_API and CENTRALKA_LIVE_API_TOKEN (an owner's token), and
mod_spandsp loaded on the switch.

    CENTRALKA_LIVE_FAX_NUMBER=48221000920      the main number the test adds (once) and faxes
    CENTRALKA_LIVE_FAX_ROUTE=sip                or `loopback`: loopback/<number>/public instead
"""
from __future__ import annotations

import os
import shutil
import time
import uuid as uuidlib
from pathlib import Path
from urllib.request import Request, urlopen

import pypdfium2
import pytest

from tests.live.harness import API, API_TOKEN, LIVE_ESL, LIVE_SIP, Recorder, api

NUMBER = os.environ.get("CENTRALKA_LIVE_FAX_NUMBER", "48221000920")
ROUTE = os.environ.get("CENTRALKA_LIVE_FAX_ROUTE", "sip")
FIXTURE = Path(__file__).parents[1] / "fixtures" / "fax" / "sent_g4.tif"
FAX_SECONDS = 120.0  # training and two pages at 9600-14400 bit/s take about 40 s

pytestmark = [pytest.mark.live, pytest.mark.skipif(
    not (LIVE_ESL and API and API_TOKEN),
    reason="live fax: set CENTRALKA_LIVE_ESL, CENTRALKA_LIVE_API and CENTRALKA_LIVE_API_TOKEN")]


def fax_line() -> dict:
    number = "+" + NUMBER
    box = api("GET", "/api/voicemail-boxes")[0]
    line = next((n for n in api("GET", "/api/main-numbers") if n["number"] == number), None) \
        or api("POST", "/api/main-numbers", {"number": number})
    root = {"id": "fax_in", "kind": "fax", "name": "Faksy na żywo", "box": box["id"]}
    api("PUT", f"/api/main-numbers/{line['id']}/scenario/draft", {"name": "Faks na żywo", "root": root})
    api("POST", f"/api/main-numbers/{line['id']}/scenario/publish")
    return line


def ended(events, uuid: str):
    return next((e for e in events if e.name == "CHANNEL_HANGUP_COMPLETE" and e.get("Unique-ID") == uuid), None)


def received(events):
    """The hang-up of our fax node's leg (it set the box)."""
    return next((e for e in events if e.name == "CHANNEL_HANGUP_COMPLETE" and e.get("variable_centralka_fax_box")),
                None)


def fax_result(event) -> tuple:
    return event.get("variable_fax_success"), event.get("variable_fax_document_transferred_pages")


def test_a_fax_sent_to_our_own_fax_number_arrives_as_a_two_page_pdf():
    fax_line()
    recorder = Recorder()
    try:
        folder = recorder.api("global_getvar recordings_dir")
        sent_file = Path(folder) / f"live-fax-{uuidlib.uuid4()}.tif"
        shutil.copy(FIXTURE, sent_file)
        sender = str(uuidlib.uuid4())
        dial = f"sofia/external/{NUMBER}@{LIVE_SIP}" if ROUTE == "sip" else f"loopback/{NUMBER}/public"
        reply = recorder.api(f"originate {{origination_uuid={sender},fax_enable_t38=false,fax_verbose=true,"
                             f"originate_timeout=30}}{dial} &txfax({sent_file})")
        assert reply.startswith("+OK"), reply
        assert recorder.wait(lambda events: ended(events, sender) and received(events), FAX_SECONDS)
        out, came = ended(recorder.events, sender), received(recorder.events)
    finally:
        recorder.close()
    assert fax_result(out) == ("1", "2"), out.get("variable_fax_result_text")
    assert fax_result(came) == ("1", "2"), came.get("variable_fax_result_text")
    call_uuid = came.get("variable_call_uuid") or came.get("Unique-ID")
    deadline, row = time.monotonic() + 30, None
    while row is None and time.monotonic() < deadline:  # the listener hands it to the task worker
        row = next((f for f in api("GET", "/api/faxes") if f["call_uuid"] == call_uuid), None)
        time.sleep(0.5)
    assert row is not None and (row["direction"], row["status"], row["pages"]) == ("in", "received", 2)
    request = Request(f"{API.rstrip('/')}/api/faxes/{row['id']}.pdf", headers={"Authorization": f"Bearer {API_TOKEN}"})
    with urlopen(request, timeout=30) as reply:
        assert len(pypdfium2.PdfDocument(reply.read())) == 2
