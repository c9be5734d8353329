"""Each company's home switch: the one Kamailio's dispatcher sends all its calls to.

kamailio/kamailio.cfg picks a switch with the dispatcher's algorithm 7, a hash over the company,
``t<id>`` (``company_key``), modulo the number of switches in the set, moving on to the next
switch of the set while the chosen one is marked down. Its phones give the company by their SIP
domain (``t<id>.<suffix>``); the carrier's calls by the dialled main number, whose company
Kamailio reads from PostgreSQL (``main_number``). So a company's queues are whole on one switch,
and switch sync loads them only there. ESL_SERVERS lists the switches in the order of
kamailio/dispatcher.list (a test checks both files of docker-compose.multi.yml agree).

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


def company_key(tenant_id: int) -> str:
    """What Kamailio hashes for a company: the first label of its phones' domain, and what its
    query of a dialled main number answers (``'t' || tenant_id``)."""
    return f"t{tenant_id}"


def company_home(tenant_id: int, count: int, up: set[int] | None = None) -> int | None:
    """The company's switch among ``count``, as ``home_index`` says."""
    return home_index(company_key(tenant_id), count, up)


def home_index(key: str, count: int, up: set[int] | None = None) -> int | None:
    """The position, in dispatcher.list's (and ESL_SERVERS') order, of the switch among ``count``
    that calls hashed over ``key`` go to; with ``up`` (the positions answering), the one the dispatcher
    moves on to while it is down; None when none is up.

    The dispatcher holds a set's switches (of equal priority) in the reverse of the file's order:
    the hash picks among them there, and moving on goes one further there, one back in the file.
    """
    start = dispatcher_hash(key) % count
    for step in range(count):
        at = count - 1 - (start + step) % count
        if up is None or at in up:
            return at
    return None
