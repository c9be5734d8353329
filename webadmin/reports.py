"""Reports for managers: /api/reports/<report>, each a table as JSON or, with ?format=csv, a CSV file.

Every report takes ?from= and ?to= (days, inclusive, in the company's time zone; the last 30 days
by default) and ?main_number= (a main number's id); ?format=csv&language=pl|en gives the CSV. ``queues``
takes ?within= (seconds: the service level's threshold), ``top-callers``, ``busiest-hours`` and
``call-back`` take ?limit=.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, abort, g, jsonify, request
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from zoneinfo import ZoneInfo

from pbx import models
from pbx.extensions import db, report_reads
from pbx.messages import Message, language_of
from pbx.reports import Period, hourly, outcomes
from pbx.reports.period import LONGEST
from pbx.reports.tables import BUILDERS, COLUMNS, table, titles, weekday_name
from pbx.tenancy import get_owned
from schemas.fields import Day, ParametersInvalid

from webadmin.auth import signed_in
from webadmin.common import csv_response

bp = Blueprint("reports", __name__, url_prefix="/api/reports")
DEFAULT_DAYS = 30
# The options each report takes besides the period.
OPTIONS = {"queues": ("within",), "top-callers": ("limit",), "busiest-hours": ("limit",), "call-back": ("limit",)}


class ReportQuery(Schema):
    from_ = Day(data_key="from")
    to = Day()
    main_number = fields.Integer(validate=validate.Range(min=1))
    within = fields.Integer(validate=validate.Range(min=1, max=3600))
    limit = fields.Integer(validate=validate.Range(min=1, max=1000))
    format = fields.String(validate=validate.OneOf(["json", "csv"]))
    # A download link cannot send Accept-Language: the CSV's titles follow ?language= when given.
    language = fields.String(validate=validate.OneOf(["pl", "en"]))

    @validates_schema
    def _period(self, data, **kwargs):
        first, last = data.get("from_"), data.get("to")
        if first and last and last < first:
            raise ValidationError(Message("report.ends_before_start"), "to")
        if first and last and (last - first).days >= LONGEST:
            raise ValidationError(Message("report.too_long", days=LONGEST), "to")


def asked_period() -> tuple[Period, dict, dict]:
    """The period a report's query string asks for (company's days), its options and every parameter read."""
    try:
        wanted = ReportQuery().load(request.args)
    except ValidationError as error:
        raise ParametersInvalid(error.messages) from None
    zone = g.tenant.timezone
    last = wanted.get("to") or datetime.now(ZoneInfo(zone)).date()
    first = wanted.get("from_") or last - timedelta(days=DEFAULT_DAYS - 1)
    number = None
    if "main_number" in wanted:
        number = get_owned(models.MainNumber, g.tenant.id, wanted["main_number"]).number
    options = {key: wanted[key] for key in wanted if key in ("within", "limit")}
    return Period(first, last, zone, number), options, wanted


@bp.get("/<report>")
@signed_in()
def report_view(report):
    """One report over ?from= to ?to= (days): a table as JSON, or CSV with ?format=csv.

    Reports: days, hours (weekday × hour heatmap), busiest-hours, outcomes (answered, missed, abandoned,
    voicemail; wait average and 90th percentile), main-numbers, branches (scenario steps), groups, users,
    queues (?within= seconds for the service level, 20 by default), top-callers, call-back (unanswered
    callers not reached since). ?main_number= (an id) narrows any report to one main number.
    """
    if report not in BUILDERS:
        abort(404, Message("report.unknown", value=report, reports=", ".join(BUILDERS)))
    period, options, wanted = asked_period()
    unknown = set(options) - set(OPTIONS.get(report, ()))
    if unknown:
        raise ParametersInvalid({name: [Message("report.option_not_taken", report=report, option=name)]
                                 for name in sorted(unknown)})
    hourly.refresh(db.session, g.tenant.id)  # the hours the latest calls made stale, on the primary
    db.session.commit()
    with report_reads() as session:  # a replica when REPORTS_DATABASE_URL is set
        rows = table(session, g.tenant.id, period, report, **options)
    if wanted.get("format") == "csv":
        polish = wanted.get("language", language_of(request.accept_languages)) == "pl"
        return csv_response(titles(report, polish), (_cells(report, row, polish) for row in rows),
                            f"{report}_{period.first}_{period.last}.csv")
    return jsonify(report=report, columns=COLUMNS[report], rows=rows,
                   **{"from": period.first.isoformat(), "to": period.last.isoformat(), "timezone": period.zone})


def _cells(report: str, row: dict, polish: bool) -> list:
    """A row in its columns' order, weekdays and outcomes in words."""
    cells = []
    for column in COLUMNS[report]:
        value = row.get(column)
        if column == "weekday":
            value = weekday_name(value, polish)
        elif column == "last_outcome" and value:
            value = OUTCOME_WORDS[value][0 if polish else 1]
        cells.append("" if value is None else value)
    return cells


OUTCOME_WORDS = {outcomes.ANSWERED: ("odebrane", "answered"), outcomes.MISSED: ("nieodebrane", "missed"),
                 outcomes.ABANDONED: ("porzucone", "abandoned"), outcomes.VOICEMAIL: ("poczta głosowa", "voicemail")}
