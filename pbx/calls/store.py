"""Writing legs to call records: idempotent, in any arrival order, many legs per statement.

A call's legs arrive one by one (B-legs usually before the A-leg) and maybe twice (event
socket and CDR post, or a replay after a crash). Every write is an upsert keyed on
``leg_uuid`` / ``call_uuid``, and the fields that depend on more than one leg (who answered,
when, who hung up) are recomputed from the stored legs after each batch, so the record ends up
the same whatever the order and however often a leg is written.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from sqlalchemy import bindparam, cast, column, select, update, values
from sqlalchemy.dialects import postgresql, sqlite

from pbx import models
from pbx.calls.legs import CALLER

log = logging.getLogger(__name__)
RECORD = models.CallRecord.__table__
LEG = models.CallLeg.__table__


def upsert(session, table):
    """INSERT ... ON CONFLICT for the session's database (PostgreSQL or SQLite)."""
    dialect = session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


def insert_rows(session, statement, rows: list[dict]) -> None:
    """Many rows in few statements. RETURNING makes SQLAlchemy send up to 1000 rows per INSERT
    ("insertmanyvalues"); without it psycopg executes one statement per row."""
    if rows:
        session.execute(statement.returning(statement.table.c.id), rows).close()


def update_rows(session, table, key: str, rows: list[dict]) -> None:
    """``UPDATE table SET <the other fields> WHERE <key column> = row["b_key"]`` for many rows:
    on PostgreSQL one statement joined to a VALUES list (executemany would run one per row)."""
    if not rows:
        return
    names = [name for name in rows[0] if name != "b_key"]
    if session.get_bind().dialect.name != "postgresql":
        statement = update(table).where(table.c[key] == bindparam("b_key")).values(
            {name: bindparam(name) for name in names})
        session.connection().execute(statement, rows)
        return
    batch = values(column("b_key", table.c[key].type), *(column(name, table.c[name].type) for name in names),
                   name="batch").data([(row["b_key"], *(row[name] for name in names)) for row in rows])
    # The casts: a VALUES column that holds only NULLs is text to PostgreSQL.
    session.execute(update(table).where(table.c[key] == cast(batch.c.b_key, table.c[key].type)).values(
        {name: cast(batch.c[name], table.c[name].type) for name in names}))


def moment(epoch: float | None) -> datetime | None:
    return datetime.fromtimestamp(epoch, timezone.utc) if epoch else None


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every time we store is UTC."""
    return value.replace(tzinfo=timezone.utc) if value and value.tzinfo is None else value


def existing_ids(session, model, ids) -> set[int]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return set()
    return set(session.scalars(select(model.id).where(model.id.in_(ids))))


def with_a_time(legs: list[dict]) -> list[dict]:
    """The legs to record, once each: a hang-up that says nothing of when it happened is no call to show."""
    kept = {}
    for leg in legs:
        if leg["started"] is None:
            log.debug("leg %s of call %s has no time at all; not recorded", leg["leg_uuid"], leg["call_uuid"])
        else:
            kept[leg["leg_uuid"]] = leg
    return list(kept.values())


def save_legs(session, legs: list[dict], source: str = "esl") -> int:
    """Upsert legs and their calls; returns how many calls were touched."""
    legs = with_a_time(legs)
    if not legs:
        return 0
    known = _known_references(session, legs)
    _create_calls(session, legs, known, source)
    # Lock the calls in one order first: the CDR post and the writer may touch the same call.
    call_ids = dict(session.execute(
        select(RECORD.c.call_uuid, RECORD.c.id).where(RECORD.c.call_uuid.in_({leg["call_uuid"] for leg in legs}))
        .order_by(RECORD.c.call_uuid).with_for_update()
    ).all())
    _update_from_caller_legs(session, [leg for leg in legs if leg["role"] == CALLER], known)
    _upsert_legs(session, legs, call_ids, known)
    _recompute(session, set(call_ids.values()))
    return len(call_ids)


def _known_references(session, legs):
    """Ids that exist: an event naming a deleted tenant or user must not fail the batch."""
    unnamed = {leg["main_number"] for leg in legs if leg["tenant_id"] is None and leg["main_number"]}
    return {
        # A call refused before the dialplan ran names no company: the number dialled does.
        "number": dict(session.execute(select(models.MainNumber.number, models.MainNumber.tenant_id)
                                       .where(models.MainNumber.number.in_(unnamed))).all()) if unnamed else {},
        "tenant": existing_ids(session, models.Tenant, (leg["tenant_id"] for leg in legs)),
        "user": existing_ids(session, models.User, (leg["user_id"] for leg in legs)),
        "version": existing_ids(session, models.ScenarioVersion, (leg["version_id"] for leg in legs)),
    }


def _ref(value, known):
    return value if value in known else None


def _tenant(leg, known):
    return _ref(leg["tenant_id"], known["tenant"]) or known["number"].get(leg["main_number"])


def _create_calls(session, legs, known, source):
    first = {}
    for leg in sorted(legs, key=lambda leg: leg["role"] != CALLER):
        first.setdefault(leg["call_uuid"], leg)
    rows = [{
        "call_uuid": call_uuid, "tenant_id": _tenant(leg, known),
        "caller": leg["caller"] or "", "started_at": moment(leg["started"]), "source": source,
        "direction": leg["direction"], "destination": "", "wait_seconds": 0, "talk_seconds": 0,
        "hangup_cause": "", "hangup_side": "", "path": [],
    } for call_uuid, leg in sorted(first.items())]
    insert_rows(session, upsert(session, RECORD).on_conflict_do_nothing(index_elements=["call_uuid"]), rows)


def _update_from_caller_legs(session, callers, known):
    """Fields only the caller's leg knows: its values replace whatever a B-leg guessed."""
    if not callers:
        return
    rows = [{
        "b_key": leg["call_uuid"], "tenant_id": _tenant(leg, known),
        "caller": leg["caller"] or "", "destination": leg["destination"] or "",
        "main_number": leg["main_number"], "direction": leg["direction"],
        "path": leg["path"], "scenario_version_id": _ref(leg["version_id"], known["version"]),
        "hangup_cause": leg["hangup_cause"],
        "answered_number": leg["callee_number"] if leg["bridged"] else None,
    } for leg in sorted(callers, key=lambda leg: leg["call_uuid"])]
    update_rows(session, RECORD, "call_uuid", rows)


def _upsert_legs(session, legs, call_ids, known):
    rows = [{
        "call_id": call_ids[leg["call_uuid"]], "leg_uuid": leg["leg_uuid"], "role": leg["role"],
        "destination": (leg["destination"] or "")[:128],
        "user_id": _ref(leg["user_id"], known["user"]),
        "started_at": moment(leg["started"]),
        # For the caller's leg "answered" means connected to a person, not the IVR's answer.
        "answered_at": moment(leg["bridged"] if leg["role"] == CALLER else leg["answered"]),
        "ended_at": moment(leg["ended"]), "hangup_cause": leg["hangup_cause"],
        "disposition": leg["disposition"],
    } for leg in sorted(legs, key=lambda leg: leg["leg_uuid"])]
    statement = upsert(session, LEG)
    changed = {name: statement.excluded[name] for name in rows[0] if name != "leg_uuid"}
    insert_rows(session, statement.on_conflict_do_update(index_elements=["leg_uuid"], set_=changed), rows)


def _recompute(session, call_ids):
    legs_by_call = {}
    for leg in session.execute(select(LEG).where(LEG.c.call_id.in_(call_ids))).mappings():
        legs_by_call.setdefault(leg["call_id"], []).append(leg)
    hints = dict(session.execute(select(RECORD.c.id, RECORD.c.answered_number).where(RECORD.c.id.in_(call_ids))).all())
    rows = [dict(b_key=call_id, **derive(legs, hints.get(call_id))) for call_id, legs in legs_by_call.items()]
    update_rows(session, RECORD, "id", rows)


def derive(legs, answered_number: str | None = None) -> dict:
    """The fields of a call that need all its legs (``legs``: stored CallLeg rows).

    ``answered_number`` is the caller leg's own idea of who it was connected to, kept
    while the answering leg is unknown.
    """
    caller = next((leg for leg in legs if leg["role"] == CALLER), None)
    answering = min((leg for leg in legs if leg["role"] != CALLER and leg["answered_at"]),
                    key=lambda leg: aware(leg["answered_at"]), default=None)
    started = aware(caller["started_at"] if caller else min(aware(leg["started_at"]) for leg in legs if leg["started_at"]))
    ended = aware(caller["ended_at"] if caller else max(aware(leg["ended_at"]) for leg in legs if leg["ended_at"]))
    answered = aware(answering["answered_at"] if answering else (caller["answered_at"] if caller else None))
    return {
        "started_at": started, "ended_at": ended, "answered_at": answered,
        "wait_seconds": _seconds(started, answered or ended),
        "talk_seconds": _seconds(answered, ended) if answered else 0,
        "hangup_side": hangup_side(caller, answering),
        "answered_by_user_id": answering["user_id"] if answering else None,
        "answered_number": (answering["destination"] or None) if answering else answered_number,
    }


def hangup_side(caller, answering) -> str:
    """caller / callee / system, from SIP: the side that *received* the BYE/CANCEL ended it."""
    if caller and caller["disposition"].startswith("recv_"):
        return "caller"
    if answering and answering["disposition"].startswith("recv_"):
        return "callee"
    return "system" if caller else ""


def _seconds(start, end) -> int:
    # Whole seconds rounded down, like FreeSWITCH's billsec and waitsec.
    return max(0, int((end - start).total_seconds())) if start and end else 0
