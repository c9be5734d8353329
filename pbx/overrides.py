"""A main number's temporary override: set (replacing the one it has) or ended now; audited like
every change. It needs no job to end: the served dialplan compares the time (pbx.compiler.internal)."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo


from pbx import models
from pbx.company_dialplan import aware
from pbx.extensions import db
from pbx.tenancy import get_owned, scoped
from schemas.override import OverrideInput


def set_override(tenant: models.Tenant, number_id: int, data: dict) -> models.RoutingOverride:
    number = get_owned(models.MainNumber, tenant.id, number_id)
    values = OverrideInput(tenant_id=tenant.id, zone=tenant.timezone).load(data)
    found = _of(tenant, number.id)
    if found is None:
        found = models.RoutingOverride(tenant_id=tenant.id, main_number_id=number.id)
        db.session.add(found)
    for key, value in values.items():
        setattr(found, key, value)
    db.session.flush()
    return found


def end_override(tenant: models.Tenant, number_id: int) -> None:
    """End it now: the row goes, so the next hunt takes the usual way."""
    found = _of(tenant, get_owned(models.MainNumber, tenant.id, number_id).id)
    if found is not None:
        db.session.delete(found)
        db.session.flush()


def active(tenant: models.Tenant) -> list[models.RoutingOverride]:
    """The company's overrides that have not ended yet, soonest end first."""
    now = datetime.now(timezone.utc)
    rows = db.session.scalars(scoped(models.RoutingOverride, tenant.id)).all()
    return sorted((o for o in rows if aware(o.ends_at) > now), key=lambda o: aware(o.ends_at))


def _of(tenant, number_id: int) -> models.RoutingOverride | None:
    return db.session.scalar(scoped(models.RoutingOverride, tenant.id)
                             .where(models.RoutingOverride.main_number_id == number_id))


def override_json(o: models.RoutingOverride, tenant: models.Tenant) -> dict:
    """An override as the panel shows it: the end in the company's zone, the target by its name."""
    ends = aware(o.ends_at).astimezone(ZoneInfo(tenant.timezone))
    return {"main_number_id": o.main_number_id, "number": db.session.get(models.MainNumber, o.main_number_id).number,
            "mode": o.mode, "ends_at": ends.replace(tzinfo=None).isoformat(timespec="minutes"),
            "ends_at_utc": aware(o.ends_at).isoformat(), "zone": tenant.timezone,
            "announcement_id": o.announcement_id, "user_id": o.user_id, "group_id": o.group_id,
            "target_name": _target_name(o), "reason": o.reason,
            "active": aware(o.ends_at) > datetime.now(timezone.utc)}


def _target_name(o: models.RoutingOverride) -> str | None:
    """Who or what gets the calls, by the name the panel shows; the number itself for an outside one."""
    for model, key in ((models.Announcement, o.announcement_id), (models.User, o.user_id), (models.Group, o.group_id)):
        if key is not None:
            found = db.session.get(model, key)
            return found.full_name if isinstance(found, models.User) else found.name
    return o.number
