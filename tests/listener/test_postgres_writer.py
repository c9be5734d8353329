"""The writer's PostgreSQL statements give the same rows as the generic path, whatever the batches."""
import random

import pytest
from sqlalchemy import select

from pbx import models, queues, recordings, tasks
from pbx.calls import postgres, store
from pbx.calls.legs import leg_facts
from pbx.extensions import db
from tests.support.streams import SHAPES, named

GENERIC = (store.save_legs, queues.save_queue_events,
           lambda session, facts: recordings.save_recordings(session, facts))
BULK = (postgres.save_legs, postgres.save_queue_events,
        lambda session, facts: postgres.save_recordings(session, facts, recordings.DEFAULT_RETENTION_DAYS))


@pytest.fixture
def on_postgres(ctx, company):
    if not postgres.usable(db.session):
        pytest.skip("the bulk statements are PostgreSQL's")
    return ctx


def facts(ctx):
    """Every leg, queue step and recording of the captured calls, with strangers among them."""
    legs, steps, found = [], [], []
    for shape in SHAPES:
        for headers in named(shape, "CHANNEL_HANGUP_COMPLETE", "json"):
            legs.append(leg_facts(headers))
            steps += queues.facts_from_member_leg(headers)
        for headers in named(shape, "CUSTOM", "json"):
            steps += queues.facts_from_callcenter(headers)
        found += [recordings.recording_facts(headers, ctx.config) for headers in named(shape, "RECORD_STOP", "json")]
    legs[0] = dict(legs[0], user_id=999, tenant_id=999)  # a user and a tenant that do not exist
    steps.append(dict(steps[0], tenant_id=999, call_uuid="unknown-tenant"))
    found.append(dict(found[0], tenant_id=999, local_path="/elsewhere/unknown-tenant.wav"))
    return legs, steps, found


def batches(legs, steps, found):
    """B-legs first, then everything twice in a shuffled order, split in two batches."""
    everything = [("leg", leg) for leg in legs] + [("queue", s) for s in steps] + [("recording", f) for f in found]
    doubled = everything * 2
    random.Random(3).shuffle(doubled)
    half = len(doubled) // 2
    return [[("leg", leg) for leg in legs if leg["role"] != "caller"], doubled[:half], doubled[half:]]


def write(statements, batches):
    save_legs, save_steps, save_recordings = statements
    uploads = []
    for batch in batches:
        save_legs(db.session, [fact for kind, fact in batch if kind == "leg"])
        save_steps(db.session, [fact for kind, fact in batch if kind == "queue"])
        found = [fact for kind, fact in batch if kind == "recording"]
        uploads.append(save_recordings(db.session, found) if found else [])
        db.session.commit()
    return uploads, rows()


def rows():
    """What the tables hold, without the ids the database chose (a leg names its call by UUID)."""
    db.session.expire_all()
    calls = {call.id: call.call_uuid for call in db.session.scalars(select(models.CallRecord))}
    return {
        "calls": table_rows(models.CallRecord),
        "legs": table_rows(models.CallLeg, call_id=lambda leg: calls[leg.call_id]),
        "queue": table_rows(models.QueueEvent),
        "recordings": table_rows(models.Recording),
    }


def table_rows(model, **replaced):
    found = []
    for row in db.session.scalars(select(model)):
        values = {c.key: getattr(row, c.key) for c in model.__table__.columns if c.key != "id"}
        values.update({name: value_of(row) for name, value_of in replaced.items()})
        found.append(sorted(values.items()))
    return sorted(found, key=repr)


def empty():
    for model in (models.Recording, models.QueueEvent, models.CallLeg, models.CallRecord):
        db.session.query(model).delete()
    db.session.commit()


def test_bulk_statements_write_the_same_rows_as_the_generic_path(on_postgres):
    plan = batches(*facts(on_postgres))
    generic_uploads, generic = write(GENERIC, plan)
    empty()
    bulk_uploads, bulk = write(BULK, plan)
    assert len(generic["calls"]) == len(SHAPES) and len(generic["legs"]) == 11
    assert generic["queue"] and len(generic["recordings"]) == 2
    for table in generic:
        assert bulk[table] == generic[table], table
    # The same recordings waiting for upload after each batch (ids are the database's own).
    assert [len(ids) for ids in bulk_uploads] == [len(ids) for ids in generic_uploads]
    assert sum(map(len, bulk_uploads)) >= 2


def test_a_replayed_batch_changes_nothing(on_postgres):
    plan = batches(*facts(on_postgres))
    first_uploads, first = write(BULK, plan)
    again_uploads, again = write(BULK, plan)
    assert again == first
    assert again_uploads == first_uploads  # not uploaded yet: asked for again, nothing new


def test_the_writer_takes_the_bulk_statements_on_postgres(on_postgres, monkeypatch):
    from pbx import record_writer as writer

    used = []
    monkeypatch.setattr(postgres, "save_legs", lambda *args, **kw: used.append("legs"))
    monkeypatch.setattr(tasks, "after_saved", lambda *args: None)
    writer.apply(db.session, [(1, "leg", {"leg_uuid": "x", "call_uuid": "c"})])
    assert used == ["legs"]
