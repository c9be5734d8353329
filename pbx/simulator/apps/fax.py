"""Applications of mod_spandsp: ``rxfax`` and ``txfax`` (mod_spandsp_fax.c spanfax_rx / spanfax_tx).

Both block the channel until T.30's phase E, then set the variables its phase_e_handler sets:
``fax_success`` (1 / 0), ``fax_result_code`` and ``fax_result_text`` (spandsp's
t30_completion_code_to_str), ``fax_document_transferred_pages``. The world says whether a fax
machine is on the line and how many pages it sends (``World.fax_pages``).
"""

from __future__ import annotations

from pbx.simulator.apps.channel import Call
from pbx.simulator.apps.registry import application

# spandsp's t30.h completion codes the model reports, with their texts.
OK, T0_EXPIRED = (0, "OK"), (2, "Timed out waiting for initial communication")
NO_FAX_SECONDS = 60       # t30.c DEFAULT_TIMER_T0: the answering side waits that long for a fax machine
TRAINING_SECONDS = 8.0    # CED/CNG, DIS/DCS and training before the first page (V.17 at 14400 bit/s)
PAGE_SECONDS = 12.0       # one A4 page at fine resolution, G3 at 14400 bit/s, with its confirmation


def _phase_e(call: Call, result: tuple[int, str], pages: int, path: str) -> None:
    code, text = result
    call.set_var("fax_success", "1" if code == 0 else "0")
    call.set_var("fax_result_code", str(code))
    call.set_var("fax_result_text", text)
    call.set_var("fax_document_transferred_pages", str(pages))
    call.set_var("fax_filename", path)


def _transfer(call: Call, path: str, kind: str) -> None:
    pages = call.world.fax_pages
    if pages:
        call.advance(call.now + TRAINING_SECONDS + PAGE_SECONDS * pages)
        _phase_e(call, OK, pages, path)
    else:
        call.advance(call.now + NO_FAX_SECONDS)
        _phase_e(call, T0_EXPIRED, 0, path)
    call.step(kind, path=path, success=bool(pages), pages=pages or 0,
              text=call.variables["fax_result_text"])


@application("rxfax")
def app_rxfax(call: Call, data: str) -> None:
    """rxfax <file>: answer as a fax machine and write what is received to a TIFF."""
    _transfer(call, data.strip(), "fax_received")


@application("txfax")
def app_txfax(call: Call, data: str) -> None:
    """txfax <file>: send a TIFF to the fax machine on the line."""
    _transfer(call, data.strip(), "fax_sent")
