"""Reports for managers: figures over any period of days in the company's time zone.

Every function takes a database session, the tenant id and a ``Period``, reads only that
tenant's rows, and returns plain rows (lists of dicts) for the API, its CSV and the charts.
The queries are built for PostgreSQL with millions of call records (see the indexes of
migration 0007) and run unchanged on SQLite for small installations.
"""
from pbx.reports.period import Period

__all__ = ["Period"]
