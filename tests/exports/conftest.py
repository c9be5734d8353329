"""Hand-made call records of Firma ABC around both DST changes of 2026 in Warsaw, and one call of
another company that no export of Firma ABC may show."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pbx import directory, models
from pbx.demo import DEMO_MAIN_NUMBER
from pbx.extensions import db

UTC = timezone.utc
HOTLINE = "+48221000099"


def _user(demo, last_name):
    return next(user for user in demo.users if user.last_name == last_name)


def _call(tenant_id, uuid, started, *, talk=0, wait=0, answered_by=None, **fields):
    answered = started + timedelta(seconds=wait) if answered_by or fields.pop("answered", False) else None
    return models.CallRecord(
        tenant_id=tenant_id, call_uuid=uuid, started_at=started, answered_at=answered,
        ended_at=started + timedelta(seconds=wait + talk), wait_seconds=wait, talk_seconds=talk,
        answered_by_user_id=answered_by.id if answered_by else None, **fields)


@pytest.fixture
def finance_calls(demo, stranger):
    """Four calls of Firma ABC (oldest first) and one of Konkurencja on the same day."""
    directory.add_main_number(demo, {"number": HOTLINE, "label": "Infolinia"})
    kaminska, nowak = _user(demo, "Kamińska"), _user(demo, "Nowak")
    calls = [
        # 29.03.2026: 01:30 CET, then the clocks jump 02:00 → 03:00; 01:30 UTC is 03:30 CEST
        _call(demo.id, "spring-1", datetime(2026, 3, 29, 0, 30, tzinfo=UTC), wait=12, talk=113, answered_by=kaminska,
              main_number=DEMO_MAIN_NUMBER, caller="+48600100200", destination="48221000000", answered_number="105",
              hangup_cause="NORMAL_CLEARING", path=["hours:open", "main_menu:2", "accounting"]),
        _call(demo.id, "spring-2", datetime(2026, 3, 29, 1, 30, tzinfo=UTC), wait=30, main_number=HOTLINE,
              caller='=HYPERLINK("http://x")', destination="48221000099", hangup_cause="NO_ANSWER", path=["hours:open"]),
        # 25.10.2026: 02:30 happens twice, first in CEST (+02:00), then in CET (+01:00)
        _call(demo.id, "autumn-1", datetime(2026, 10, 25, 0, 30, tzinfo=UTC), talk=60, direction="out", answered=True,
              main_number=DEMO_MAIN_NUMBER, caller="105", destination="+48600300400", answered_number="+48600300400",
              hangup_cause="NORMAL_CLEARING"),
        _call(demo.id, "autumn-2", datetime(2026, 10, 25, 1, 30, tzinfo=UTC), wait=5, talk=30, answered_by=nowak,
              main_number=DEMO_MAIN_NUMBER, caller="+48500500500", destination="48221000000", answered_number="102",
              hangup_cause="NORMAL_CLEARING", path=["hours:open", "main_menu:1", "sales"]),
    ]
    foreign = _call(stranger.tenant_id, "foreign", datetime(2026, 3, 29, 10, 0, tzinfo=UTC), talk=10, answered=True,
                    main_number="+48223330000", caller="+48700700700", destination="48223330000")
    db.session.add_all([*calls, foreign])
    db.session.flush()
    # Piotr Nowak's phone rang for the missed call too (a leg without an answer).
    db.session.add(models.CallLeg(call_id=calls[1].id, leg_uuid="spring-2-leg", user_id=nowak.id,
                                  destination="user/102", role="callee"))
    db.session.commit()
    return calls
