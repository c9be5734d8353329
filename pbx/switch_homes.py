"""Each company's switches: the one Kamailio's dispatcher sends its phones to (its home), and those
it sends the carrier's calls to its numbers.

kamailio/kamailio.cfg picks a switch with the dispatcher's algorithm 7, a hash over the company's
SIP domain (``t<id>.<suffix>``) for the phones and over the dialled number for the carrier's
calls, modulo the number of switches in the set, moving on to the next switch of the set while
the chosen one is marked down. Switch sync loads a company's queues and agents only on those
switches, so a company whose numbers hash like its domain has its queues whole in one place. ESL_SERVERS lists the switches in the order of kamailio/dispatcher.list (a test checks
both files of docker-compose.multi.yml agree).

The hash is written out here because no Python package provides it: it is ``ds_get_hash`` of
Kamailio's dispatcher module (src/modules/dispatcher/dispatch.c), and
tests/foundation/test_kamailio_dispatch.py checks it against a real Kamailio.
"""
from __future__ import annotations

MASK = 0xFFFFFFFF


def dispatcher_hash(text: str) -> int:
    """``ds_get_hash(text, NULL)``: 32-bit unsigned arithmetic over the bytes, four at a time."""
    data, total, at = text.strip().encode(), 0, 0
    while at + 4 <= len(data):
        word = int.from_bytes(data[at:at + 4], "big")
        total = (total + (word ^ (word >> 3))) & MASK
        at += 4
    rest = int.from_bytes(data[at:], "big") if at < len(data) else 0
    total = (total + (rest ^ (rest >> 3))) & MASK
    total = (total + (total >> 11) + (total >> 13) + (total >> 23)) & MASK
    return total or 1


def company_switches(domain: str, numbers: list[str], count: int, up: set[int] | None = None) -> set[int]:
    """Where the company's calls land: its domain's switch and each of its numbers' (E.164 with and
    without '+', as a carrier may send either in the request URI)."""
    keys = [domain] + [form for number in numbers for form in (number, number.lstrip("+"))]
    return {at for key in keys if (at := home_index(key, count, up)) is not None}


def home_index(domain: str, count: int, up: set[int] | None = None) -> int | None:
    """The position, in dispatcher.list's (and ESL_SERVERS') order, of the switch among ``count``
    that ``domain``'s calls go to; with ``up`` (the positions answering), the one the dispatcher
    moves on to while it is down; None when none is up.

    The dispatcher holds a set's switches (of equal priority) in the reverse of the file's order:
    the hash picks among them there, and moving on goes one further there, one back in the file.
    """
    start = dispatcher_hash(domain) % count
    for step in range(count):
        at = count - 1 - (start + step) % count
        if up is None or at in up:
            return at
    return None
