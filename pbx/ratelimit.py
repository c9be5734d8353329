"""Fixed-window request counters in the database, so every worker process shares them."""
from __future__ import annotations

import time

from sqlalchemy import delete

from pbx import models
from pbx.calls.store import upsert
from pbx.extensions import db

TABLE = models.RateLimitHit.__table__


def hit(key: str, limit: int, window_seconds: int) -> int | None:
    """Count one request under ``key``; the seconds to wait when over ``limit``, else None.

    Committed at once: a refused or failed request still counts.
    """
    now = time.time()
    window = int(now // window_seconds)
    statement = upsert(db.session, TABLE).values(key=key, window=window, count=1)
    count = db.session.execute(statement.on_conflict_do_update(
        index_elements=["key", "window"], set_={"count": TABLE.c.count + 1}).returning(TABLE.c.count)).scalar_one()
    db.session.execute(delete(TABLE).where(TABLE.c.key == key, TABLE.c.window < window))
    db.session.commit()
    if count <= limit:
        return None
    return max(1, int((window + 1) * window_seconds - now + 0.999))


def prune(window_seconds: int) -> int:
    """Forget the counts of windows that have ended; returns how many."""
    gone = db.session.execute(delete(TABLE).where(TABLE.c.window < int(time.time() // window_seconds)))
    db.session.commit()
    return gone.rowcount
