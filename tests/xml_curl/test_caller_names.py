"""The carrier's first hunt names the call's own caller, from the company's contacts and users, kept per
revision: one action at most, whatever the size of the address book."""
from __future__ import annotations

from lxml import etree

from tests.xml_curl.conftest import dispose, hunt, post, served_after_commit, standalone_app, with_fields

NAME = "effective_caller_id_name="
UNKNOWN = "+48600999999"


def first_hunt(client, caller: str, named: str | None = None) -> bytes:
    """The reply to the carrier's first hunt from ``caller``; with ``named``, once it names them
    (on PostgreSQL the worker learns of a commit from its announcement, just after it)."""
    body = with_fields(hunt("public", "48221000000"),
                       {"Hunt-Caller-ID-Number": caller, "Caller-Caller-ID-Number": caller})
    if named is None:
        return post(client, body).data
    return served_after_commit(client, body, lambda reply: names_in(reply) == [named])


def names_in(reply: bytes) -> list[str]:
    return [data[len(NAME):] for data in etree.fromstring(reply).xpath("//action/@data") if data.startswith(NAME)]


def add_contacts(tenant, contacts: list[tuple[str, list[str]]]) -> None:
    """Stored as the panel stores them (normalised numbers); all but the last without the per-row
    audit, which would take longer than the test; the last one audited, which bumps the revision."""
    from sqlalchemy import insert

    from pbx import models
    from pbx.extensions import db

    rows = [{"tenant_id": tenant.id, "name": name, "numbers": [{"label": "", "number": n} for n in numbers]}
            for name, numbers in contacts]
    if rows[:-1]:
        db.session.execute(insert(models.Contact), rows[:-1])
    db.session.add(models.Contact(**rows[-1]))
    db.session.commit()


def many(count: int) -> list[tuple[str, list[str]]]:
    return [(f"Kontakt {i}", [f"+48700{i:06d}"]) for i in range(count)]


def test_a_contact_calling_in_any_carrier_form_is_named_by_one_action(client, demo):
    add_contacts(demo, [("${system(reboot)} $${pass} X-PRE-PROCESS", ["+48600100400"]),
                        ("Hurtownia Nowak", ["+48600100200"])])
    first_hunt(client, "+48600100200", named="Hurtownia Nowak")
    for caller in ("+48600100200", "0048600100200", "48600100200", "600100200"):
        assert names_in(first_hunt(client, caller)) == ["Hurtownia Nowak"], caller
    reply = first_hunt(client, "600100400")
    assert b"${system" not in reply and b"$${" not in reply and b"X-PRE-PROCESS" not in reply
    assert names_in(reply) == ["\uff04{system(reboot)} \uff04\uff04{pass} X\u2011PRE\u2011PROCESS"]
    assert names_in(first_hunt(client, UNKNOWN)) == []


def test_a_user_s_own_number_names_the_user_rather_than_a_contact(client, demo):
    user = next(u for u in demo.users if u.phone)
    add_contacts(demo, [("Ktoś z tym numerem", [user.phone]), ("Hurtownia Nowak", ["+48600100200"])])
    first_hunt(client, "+48600100200", named="Hurtownia Nowak")
    assert names_in(first_hunt(client, user.phone)) == [user.full_name]


def test_the_reply_is_the_same_with_one_contact_or_5000(client, demo):
    add_contacts(demo, [("Hurtownia Nowak", ["+48600100200"])])
    one = {UNKNOWN: first_hunt(client, UNKNOWN),
           "+48600100200": first_hunt(client, "+48600100200", named="Hurtownia Nowak")}
    add_contacts(demo, many(4999))
    first_hunt(client, "+48700004998", named="Kontakt 4998")
    assert {caller: first_hunt(client, caller) for caller in one} == one
    assert len(one["+48600100200"]) < 1024 and names_in(one[UNKNOWN]) == []


def statements_for_entry(tenant) -> tuple[int, object]:
    """How many SQL statements building the first-hunt entry runs, and the entry."""
    from sqlalchemy import event

    from pbx.company_dialplan import public_entry
    from pbx.extensions import db

    ran = []

    def count(*_args):
        ran.append(1)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        db.session.expire_all()
        entry = public_entry(tenant.id, tenant.main_numbers[0].id)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(ran), entry


def test_the_names_of_10000_contacts_take_as_many_queries_as_those_of_one(ctx, demo):
    """The address book is read in one query whatever its size (timings: bench/caller_names.py)."""
    add_contacts(demo, many(1))
    few, _ = statements_for_entry(demo)
    add_contacts(demo, many(10_000))
    statements, entry = statements_for_entry(demo)
    assert statements == few
    assert len(entry.names) >= 10_000 and len(entry.document) < 1024


def test_a_worker_restarted_during_an_outage_still_names_the_caller(tmp_path):
    from flask_migrate import upgrade

    from pbx.demo import load_demo
    from pbx.extensions import db

    url, last_good = f"sqlite:///{tmp_path / 'centralka.sqlite3'}", tmp_path / "last-good.sqlite3"
    first = standalone_app(url, last_good)
    with first.app_context():
        upgrade()
        tenant = load_demo()
        db.session.commit()
        add_contacts(tenant, [("Hurtownia Nowak", ["+48600100200"])])
    served = first_hunt(first.test_client(), "600100200", named="Hurtownia Nowak")
    first.extensions["xml_curl"].sections["dialplan"].settled()
    dispose(first)
    fresh = standalone_app(f"sqlite:///{tmp_path}/missing/centralka.sqlite3", last_good)
    try:
        assert first_hunt(fresh.test_client(), "0048600100200") == served
        assert names_in(served) == ["Hurtownia Nowak"]
        assert names_in(first_hunt(fresh.test_client(), UNKNOWN)) == []
    finally:
        dispose(fresh)
