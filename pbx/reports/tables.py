"""The reports as tables for people: rows whose things are named (users, groups, scenario nodes,
queues), and the column titles in Polish and English for their CSV."""
from __future__ import annotations

from collections import Counter

from babel.dates import get_day_names
from sqlalchemy import select

from pbx import models
from pbx.nodes.walk import nodes_by_id
from pbx.reports import callback, callers, calls, outcomes, queues
from pbx.reports.period import Period

OUTCOME_COLUMNS = ["calls", *outcomes.OUTCOMES]
COLUMNS = {
    "days": ["day", *OUTCOME_COLUMNS, "outgoing", "internal"],
    "hours": ["weekday", *(f"h{hour:02d}" for hour in range(24))],
    "busiest-hours": ["weekday", "hour", "calls"],
    "outcomes": [*OUTCOME_COLUMNS, "wait_average", "wait_p90"],
    "main-numbers": ["main_number", "label", *OUTCOME_COLUMNS, "wait_average"],
    "branches": ["main_number", "node", "branch", *OUTCOME_COLUMNS, "wait_average"],
    "groups": ["group", *OUTCOME_COLUMNS, "wait_average"],
    "users": ["user", "answered", "talk_total", "talk_average", "wait_average"],
    "queues": ["queue", "entered", "answered", "answered_within", "abandoned", "timeout", "wait_average",
               "service_level", "abandonment"],
    "top-callers": ["caller", "calls", "answered", "not_answered", "last_call"],
    "call-back": ["caller", "attempts", "last_call", "last_outcome"],
}
TITLES = {
    "day": ("Dzień", "Day"), "calls": ("Połączenia", "Calls"), "answered": ("Odebrane", "Answered"),
    "missed": ("Nieodebrane", "Missed"), "abandoned": ("Porzucone", "Abandoned"),
    "voicemail": ("Poczta głosowa", "Voicemail"), "outgoing": ("Wychodzące", "Outgoing"),
    "internal": ("Wewnętrzne", "Internal"), "weekday": ("Dzień tygodnia", "Weekday"), "hour": ("Godzina", "Hour"),
    "wait_average": ("Średni czas oczekiwania [s]", "Average wait [s]"),
    "wait_p90": ("90. percentyl oczekiwania [s]", "90th percentile wait [s]"),
    "main_number": ("Numer główny", "Main number"), "label": ("Opis", "Label"),
    "node": ("Krok scenariusza", "Scenario step"),
    "branch": ("Gałąź", "Branch"), "group": ("Grupa", "Group"), "user": ("Użytkownik", "User"),
    "talk_total": ("Czas rozmów [s]", "Talk time [s]"),
    "talk_average": ("Średni czas rozmowy [s]", "Average talk [s]"),
    "queue": ("Kolejka", "Queue"), "entered": ("Weszło do kolejki", "Entered"),
    "answered_within": ("Odebrane w progu", "Answered within the threshold"),
    "timeout": ("Przekroczony czas", "Timed out"),
    "service_level": ("Poziom obsługi [%]", "Service level [%]"), "abandonment": ("Porzucenia [%]", "Abandonment [%]"),
    "caller": ("Numer dzwoniącego", "Caller"), "not_answered": ("Nieodebrane", "Not answered"),
    "last_call": ("Ostatnie połączenie", "Last call"), "attempts": ("Próby", "Attempts"),
    "last_outcome": ("Jak się skończyło", "Outcome"),
    **{f"h{hour:02d}": (f"{hour:02d}:00", f"{hour:02d}:00") for hour in range(24)},
}


def titles(report: str, polish: bool) -> list[str]:
    return [TITLES[column][0 if polish else 1] for column in COLUMNS[report]]


class Names:
    """The tenant's things by their names, read once per report."""

    def __init__(self, session, tenant_id: int):
        self.tenant_id = tenant_id
        self.users = {u.id: u.full_name for u in session.scalars(select(models.User).where(
            models.User.tenant_id == tenant_id))}
        self.groups = dict(session.execute(select(models.Group.id, models.Group.name).where(
            models.Group.tenant_id == tenant_id)).all())
        self.numbers, self.trees, self.scenarios = {}, {}, {}
        for number in session.scalars(select(models.MainNumber).where(models.MainNumber.tenant_id == tenant_id)):
            self.numbers[number.number] = number.label
            scenario = number.scenario
            if scenario is not None:
                tree = scenario.published_version.tree if scenario.published_version else scenario.draft
                self.trees[number.number] = nodes_by_id((tree or {}).get("root"))
                self.scenarios[scenario.id] = number.number

    def node(self, number: str, node_id: str) -> dict:
        return self.trees.get(number, {}).get(node_id) or {}

    def queue(self, name: str) -> str:
        """A queue by its forward node's name and main number ("Sprzedaż (+48221000000)")."""
        for scenario_id, number in self.scenarios.items():
            prefix = queues.queue_prefix(self.tenant_id, scenario_id)
            if name.startswith(prefix):
                node_id = name[len(prefix):]
                return f"{self.node(number, node_id).get('name') or node_id} ({number})"
        return name


def table(session, tenant_id: int, period: Period, report: str, **options) -> list[dict]:
    """The rows of one report (``COLUMNS`` names them)."""
    return BUILDERS[report](session, tenant_id, period, **options)


def _hours(session, tenant_id, period):
    return [{"weekday": row["weekday"], **{f"h{hour:02d}": n for hour, n in enumerate(row["hours"])}}
            for row in calls.per_hour_of_week(session, tenant_id, period)]


def _busiest(session, tenant_id, period, limit=5):
    return calls.busiest_hours(calls.per_hour_of_week(session, tenant_id, period), limit)


def _main_numbers(session, tenant_id, period):
    names = Names(session, tenant_id)
    found = calls.per_main_number(session, tenant_id, period)
    return [{"main_number": number, "label": names.numbers.get(number, ""), **row}
            for number, row in sorted(found.items())]


def _branches(session, tenant_id, period):
    names = Names(session, tenant_id)
    rows = []
    for (number, step), row in sorted(calls.per_step(session, tenant_id, period).items()):
        node_id, _, branch = step.partition(":")
        rows.append({"main_number": number, "node": names.node(number, node_id).get("name") or node_id,
                     "branch": branch, **row})
    return rows


def _groups(session, tenant_id, period):
    """Calls that reached a group through a scenario's forward node, by how the call ended."""
    names = Names(session, tenant_id)
    totals: dict = {}
    for (number, step), counts in calls.step_counts(session, tenant_id, period).items():
        group = (names.node(number, step.partition(":")[0]).get("target") or {}).get("group")
        if group in names.groups:
            totals.setdefault(group, Counter()).update(counts)
    return sorted(({"group": names.groups[group], **calls.figures(counts)} for group, counts in totals.items()),
                  key=lambda row: row["group"])


def _users(session, tenant_id, period):
    names = Names(session, tenant_id)
    return sorted(({"user": names.users.get(user, ""), **row}
                   for user, row in calls.per_user(session, tenant_id, period).items()), key=lambda row: row["user"])


def _queues(session, tenant_id, period, within=20):
    names = Names(session, tenant_id)
    scenario = next((sid for sid, number in names.scenarios.items() if number == period.main_number), None)
    if period.main_number and scenario is None:
        return []
    found = queues.per_queue(session, tenant_id, period, within, scenario)
    return sorted(({"queue": names.queue(queue), **row} for queue, row in found.items()), key=lambda row: row["queue"])


BUILDERS = {
    "days": calls.per_day, "hours": _hours, "busiest-hours": _busiest,
    "outcomes": lambda session, tenant_id, period: [calls.outcomes(session, tenant_id, period)],
    "main-numbers": _main_numbers, "branches": _branches, "groups": _groups, "users": _users, "queues": _queues,
    "top-callers": callers.top_callers, "call-back": callback.call_back,
}


def weekday_name(weekday: int, polish: bool) -> str:
    """0 = Monday: 'poniedziałek' / 'Monday' (Babel's CLDR names)."""
    return get_day_names("wide", locale="pl" if polish else "en")[weekday]
