"""What naming callers costs the carrier's first hunt: building the entry (document and names) of a
company with a large address book, against the same company with one contact, in the same run.

One company as bench/xml_curl.py makes it, in a temporary SQLite database; contacts are inserted
as the panel stores them. The entry is built as the endpoint builds it on a new revision
(pbx.company_dialplan.public_entry), several times; the medians are compared.

    .venv/bin/python bench/caller_names.py [--contacts 10000] [--rounds 7]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.hunts import make_app  # noqa: E402  (the path above first)


def add_contacts(tenant_id: int, count: int) -> None:
    from sqlalchemy import insert

    from pbx import models
    from pbx.extensions import db

    rows = [{"tenant_id": tenant_id, "name": f"Kontakt {i}", "numbers": [{"label": "", "number": f"+48700{i:06d}"}]}
            for i in range(count)]
    db.session.execute(insert(models.Contact), rows)
    db.session.commit()


def median_build(tenant_id: int, main_number_id: int, rounds: int) -> tuple[float, int]:
    """Median seconds to build the entry, and how many callers it names."""
    from pbx.company_dialplan import public_entry
    from pbx.extensions import db

    times, named = [], 0
    for _ in range(rounds):
        db.session.expire_all()
        started = time.perf_counter()
        entry = public_entry(tenant_id, main_number_id)
        times.append(time.perf_counter() - started)
        named = len(entry.names)
    return statistics.median(times), named


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    from pbx import models
    from pbx.extensions import db

    with tempfile.TemporaryDirectory() as folder:
        app = make_app(folder)
        with app.app_context():
            tenant = db.session.scalars(db.select(models.Tenant)).first()
            number_id = tenant.main_numbers[0].id
            add_contacts(tenant.id, 1)
            baseline, few = median_build(tenant.id, number_id, args.rounds)
            add_contacts(tenant.id, args.contacts)
            large, many = median_build(tenant.id, number_id, args.rounds)
    print(f"entry with {few} named callers:    {baseline * 1000:8.1f} ms (baseline)")
    print(f"entry with {many} named callers: {large * 1000:8.1f} ms  ratio {large / baseline:.1f}"
          f"  ({large / max(many - few, 1) * 1e6:.1f} µs a contact)")


if __name__ == "__main__":
    main()
