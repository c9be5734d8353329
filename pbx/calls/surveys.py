"""Survey answers from the caller's leg (``legs.survey_told``): one row per call, the employee and group linked."""
from __future__ import annotations

from sqlalchemy import select, update

from pbx import models
from pbx.calls.legs import CALLER
from pbx.calls.store import existing_ids, moment, upsert

ANSWER = models.SurveyAnswer.__table__


def save_answers(session, legs: list[dict]) -> None:
    """After ``save_legs`` of the same legs: one row per call whose caller's leg tells survey answers.

    The employee is the call record's (who answered, from the legs), set again while unknown when a
    later leg of the call arrives; a replay or the CDR post of the same leg changes nothing.
    """
    told = [leg for leg in legs if leg.get("survey") and leg.get("tenant_id")]
    if told:
        _insert(session, told)
    # The employee's leg may come in a later batch than the caller's (a CDR post, a replay).
    calls = {leg["call_uuid"] for leg in told} | {leg["call_uuid"] for leg in legs
                                                  if leg.get("role") != CALLER and leg.get("answered")}
    if calls:
        answered_by = select(models.CallRecord.answered_by_user_id).where(
            models.CallRecord.call_uuid == ANSWER.c.call_uuid).scalar_subquery()
        session.execute(update(ANSWER).where(ANSWER.c.call_uuid.in_(sorted(calls)), ANSWER.c.user_id.is_(None))
                        .values(user_id=answered_by))


def _insert(session, told: list[dict]) -> None:
    surveys = dict(session.execute(select(models.Survey.id, models.Survey.questions).where(
        models.Survey.id.in_({leg["survey"]["survey"] for leg in told}))).all())
    groups = existing_ids(session, models.Group, (leg["survey"]["group"] for leg in told))
    rows = []
    for leg in told:
        told_survey, group = leg["survey"]["survey"], leg["survey"]["group"]
        asked = len(surveys.get(told_survey) or ()) or len(leg["survey"]["answers"])
        rows.append({"tenant_id": leg["tenant_id"], "call_uuid": leg["call_uuid"],
                     "survey_id": told_survey if told_survey in surveys else None, "at": moment(leg["ended"]),
                     "group_id": group if group in groups else None, "answers": leg["survey"]["answers"][:asked]})
    session.execute(upsert(session, ANSWER).on_conflict_do_nothing(index_elements=["call_uuid"]), rows)
