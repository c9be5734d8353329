"""Post-call surveys: the company's surveys, the answers callers gave, and the survey report.

A forward names a survey (pbx.nodes.forward); the caller answers on the keypad after the employee
hangs up (pbx.dialplan.surveying); the caller's leg carries the answers to the listener, which
stores one ``SurveyAnswer`` per call with the employee who answered and the group that rang
(pbx.calls.surveys).
"""
from __future__ import annotations

from collections import Counter, defaultdict

from marshmallow import ValidationError
from sqlalchemy import select

from pbx import models
from pbx.calls.store import aware
from pbx.extensions import db
from pbx.messages import Message
from pbx.reports import Period
from pbx.scenarios import references_to
from pbx.tenancy import get_owned
from schemas.survey import SurveyInput

ANSWER = models.SurveyAnswer.__table__


def survey_json(survey: models.Survey) -> dict:
    return {"id": survey.id, "name": survey.name, "questions": survey.questions,
            "timeout_seconds": survey.timeout_seconds, "comment_prompt_id": survey.comment_prompt_id,
            "comment_seconds": survey.comment_seconds, "thanks_prompt_id": survey.thanks_prompt_id}


def add_survey(tenant: models.Tenant, data: dict) -> models.Survey:
    survey = models.Survey(tenant_id=tenant.id, **SurveyInput(tenant_id=tenant.id).load(data))
    db.session.add(survey)
    db.session.flush()
    return survey


def update_survey(tenant: models.Tenant, survey_id: int, data: dict) -> models.Survey:
    survey = get_owned(models.Survey, tenant.id, survey_id)
    for key, value in SurveyInput(tenant_id=tenant.id, instance_id=survey.id, partial=True).load(data).items():
        setattr(survey, key, value)
    db.session.flush()
    return survey


def delete_survey(tenant: models.Tenant, survey_id: int) -> None:
    """Delete a survey no forward names; its answers stay, without it."""
    survey = get_owned(models.Survey, tenant.id, survey_id)
    places = references_to(tenant.id, "survey", survey.id)
    if places:
        raise ValidationError({"used_by": [Message("in_use.survey", name=survey.name, place=p) for p in places]})
    db.session.delete(survey)
    db.session.flush()


# ------------------------------------------------------------ the report

def report(session, tenant_id: int, survey: models.Survey, period: Period) -> dict:
    """Per question the average and how many gave each key, the same per employee and per group, and the
    spoken comments, over the period's days in the company's time zone."""
    answers = session.execute(select(ANSWER.c.call_uuid, ANSWER.c.at, ANSWER.c.user_id, ANSWER.c.group_id,
                                     ANSWER.c.answers).where(
        ANSWER.c.tenant_id == tenant_id, ANSWER.c.survey_id == survey.id,
        ANSWER.c.at >= period.start, ANSWER.c.at < period.end).order_by(ANSWER.c.at)).all()
    questions = survey.questions or []
    by_user, by_group = defaultdict(list), defaultdict(list)
    for row in answers:
        by_user[row.user_id].append(row.answers)
        by_group[row.group_id].append(row.answers)
    users = _names(session, models.User, by_user)
    groups = _names(session, models.Group, by_group)
    return {
        "calls": len(answers),
        "questions": [{"number": n + 1, "label": q.get("label") or "", "keys": q["keys"],
                       **_figures([row.answers for row in answers], n, q["keys"])} for n, q in enumerate(questions)],
        "users": _breakdown(by_user, users, questions),
        "groups": _breakdown(by_group, groups, questions),
        "comments": _comments(session, tenant_id, answers, users),
    }


def _figures(answer_lists: list[list], number: int, keys: str) -> dict:
    given = [a[number] for a in answer_lists if number < len(a) and a[number] is not None]
    counts = Counter(given)
    return {"answers": len(given), "average": round(sum(given) / len(given), 2) if given else None,
            "distribution": {key: counts.get(int(key), 0) for key in keys}}


def _breakdown(by_owner: dict, names: dict, questions: list) -> list[dict]:
    rows = [{"id": owner, "name": names.get(owner, ""), "calls": len(lists),
             "averages": [_figures(lists, n, q["keys"])["average"] for n, q in enumerate(questions)]}
            for owner, lists in by_owner.items() if owner is not None]
    return sorted(rows, key=lambda row: (row["name"].casefold(), row["id"]))


def _names(session, model, ids) -> dict[int, str]:
    ids = [i for i in ids if i is not None]
    if not ids:
        return {}
    if model is models.User:
        rows = session.execute(select(model.id, model.first_name, model.last_name).where(model.id.in_(ids)))
        return {row.id: f"{row.first_name} {row.last_name}".strip() for row in rows}
    return dict(session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())


def _comments(session, tenant_id: int, answers, users: dict) -> list[dict]:
    """The recorded comments of the period's answers: recordings of kind "survey" of the same calls."""
    by_call = {row.call_uuid: row for row in answers}
    if not by_call:
        return []
    first, last = answers[0].at, answers[-1].at
    recording = models.Recording
    rows = session.execute(select(recording.id, recording.call_uuid, recording.caller, recording.duration_seconds)
                           .join(ANSWER, ANSWER.c.call_uuid == recording.call_uuid).where(
        recording.tenant_id == tenant_id, recording.kind == "survey", ANSWER.c.tenant_id == tenant_id,
        ANSWER.c.at >= first, ANSWER.c.at <= last).order_by(recording.id)).all()
    return [{"recording_id": rec.id, "call_uuid": rec.call_uuid, "caller": rec.caller,
             "seconds": rec.duration_seconds, "at": aware(by_call[rec.call_uuid].at).isoformat(),
             "user": users.get(by_call[rec.call_uuid].user_id, ""), "answers": by_call[rec.call_uuid].answers}
            for rec in rows if rec.call_uuid in by_call]
