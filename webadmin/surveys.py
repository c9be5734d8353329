"""REST API of post-call surveys and their report."""
from __future__ import annotations

from flask import Blueprint, g, jsonify

from pbx import models, surveys
from pbx.extensions import db, report_reads
from pbx.tenancy import get_owned, scoped
from schemas.survey import SurveyInput

from webadmin.auth import signed_in
from webadmin.common import body, listed
from webadmin.openapi import accepts, searchable
from webadmin.reports import asked_period

bp = Blueprint("surveys", __name__, url_prefix="/api")


@bp.get("/surveys")
@signed_in()
@searchable
def list_surveys():
    """The company's post-call surveys; ?q= finds a name."""
    query = scoped(models.Survey, g.tenant.id).order_by(models.Survey.name, models.Survey.id)
    return listed(query, lambda survey: (survey.name,), surveys.survey_json)


@bp.get("/surveys/<int:survey_id>")
@signed_in()
def get_survey(survey_id):
    """One survey: its questions, time to answer, comment and thanks."""
    return jsonify(surveys.survey_json(get_owned(models.Survey, g.tenant.id, survey_id)))


@bp.post("/surveys")
@signed_in(2)
@accepts(SurveyInput)
def create_survey():
    """Add a survey: 1 to 5 questions, each an announcement and the keys that answer it."""
    survey = surveys.add_survey(g.tenant, body())
    db.session.commit()
    return jsonify(surveys.survey_json(survey)), 201


@bp.patch("/surveys/<int:survey_id>")
@signed_in(2)
@accepts(SurveyInput, partial=True)
def update_survey(survey_id):
    """Change a survey; only the fields sent."""
    survey = surveys.update_survey(g.tenant, survey_id, body())
    db.session.commit()
    return jsonify(surveys.survey_json(survey))


@bp.delete("/surveys/<int:survey_id>")
@signed_in(2)
def delete_survey(survey_id):
    """Delete a survey no forward names; its answers stay in the report of no survey."""
    surveys.delete_survey(g.tenant, survey_id)
    db.session.commit()
    return "", 204


@bp.get("/surveys/<int:survey_id>/report")
@signed_in()
def survey_report(survey_id):
    """Answers over ?from= to ?to= (days in the company's time zone, the last 30 by default): per question the
    average and the count of each key, per employee and per group the averages, and the spoken comments."""
    survey = get_owned(models.Survey, g.tenant.id, survey_id)
    period, _, _ = asked_period()
    with report_reads() as session:
        figures = surveys.report(session, g.tenant.id, survey, period)
    return jsonify(survey=surveys.survey_json(survey), **figures,
                   **{"from": period.first.isoformat(), "to": period.last.isoformat(), "timezone": period.zone})
