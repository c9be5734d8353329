"""Transfers users made from their phones, as the call record shows them after its path.

A transfer is told by the hang-up of a leg (``legs.transfer_told``): the user's own leg says who
and, for a blind transfer or a feature code, where to; for an announced transfer by REFER the
caller's leg says where to. Each telling leg is one ``CallTransfer`` row (replays and the CDR
post add nothing), and the call's ``transfers`` are worded again from all its rows, so the halves
meet whatever order their legs arrive in: ``transfer:102 by Anna Kowalska``.
"""
from __future__ import annotations

from sqlalchemy import select, update

from pbx import models
from pbx.calls.store import existing_ids, insert_rows, moment, upsert

TRANSFER = models.CallTransfer.__table__
STEP = {"blind": "transfer", "attended": "attended_transfer"}


def save_transfers(session, legs: list[dict]) -> None:
    """After ``save_legs`` of the same legs (the calls exist): store what they tell, reword their calls."""
    told = [leg for leg in legs if leg.get("transfer")]
    if not told:
        return
    users = existing_ids(session, models.User, (leg["user_id"] for leg in told))
    rows = [{"call_uuid": leg["call_uuid"], "leg_uuid": leg["leg_uuid"], "kind": leg["transfer"]["kind"],
             "target": leg["transfer"]["target"], "by_user_id": leg["user_id"] if leg["user_id"] in users else None,
             "at": moment(leg["ended"])} for leg in told]
    insert_rows(session, upsert(session, TRANSFER).on_conflict_do_nothing(index_elements=["leg_uuid"]), rows)
    calls = sorted({leg["call_uuid"] for leg in told})
    stored = session.execute(select(TRANSFER).where(TRANSFER.c.call_uuid.in_(calls))).mappings().all()
    names = _names(session, {row["by_user_id"] for row in stored})
    for call_uuid in calls:
        steps = worded([row for row in stored if row["call_uuid"] == call_uuid], names)
        session.execute(update(models.CallRecord).where(models.CallRecord.call_uuid == call_uuid)
                        .values(transfers=steps))


def _names(session, ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    rows = session.execute(select(models.User.id, models.User.first_name, models.User.last_name)
                           .where(models.User.id.in_(ids)))
    return {row.id: f"{row.first_name} {row.last_name}".strip() for row in rows}


def worded(rows, names: dict[int, str]) -> list[str]:
    """One step per transfer in time order; a REFER's two halves (who without where, where without who) joined."""
    rows = sorted(rows, key=lambda row: (row["at"] is None, row["at"], row["id"] or 0))
    halves = [row["by_user_id"] is None and row["kind"] == "attended" and bool(row["target"]) for row in rows]
    wheres = [row["target"] for row, half in zip(rows, halves) if half]
    steps = []
    for row, half in zip(rows, halves):
        if half:
            continue
        target = row["target"]
        if target is None and row["kind"] == "attended" and wheres:
            target = wheres.pop(0)
        steps.append(_step(row["kind"], target, names.get(row["by_user_id"])))
    return steps + [_step("attended", target, None) for target in wheres]


def _step(kind: str, target: str | None, name: str | None) -> str:
    return STEP[kind] + (f":{target}" if target else "") + (f" by {name}" if name else "")
