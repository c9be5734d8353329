"""A company's dialplans as they are in the database now: its directory snapshot and published
versions, loaded here and handed to the compiler, which reads no database.

    snapshot_of(tenant, config) -> DirectorySnapshot
    tenant_build(tenant_id, config) -> TenantBuild   # context tenant_<id>: published trees × today's directory
    tenant_document(tenant_id, config) -> bytes
    tenant_queues(tenant_id, config) -> list[dict]
    public_entry(tenant_id, main_number_id, context="public") -> Entry   # and callers' names
    callcenter_queues(config) -> list[dict]          # queues of every company

``config`` is the app's settings: the snapshot names the SIP domain (SIP_DOMAIN_SUFFIX) and the
carrier gateway (CARRIER_GATEWAY) the documents use.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from pbx import compiler, models
from pbx.dialplan.snapshot import (AnnouncementInfo, BoxInfo, ContactInfo, DirectorySnapshot, Fallback,
                                   GroupInfo, MainNumberInfo, MemberInfo, NumberListInfo, OverrideInfo, QuestionInfo,
                                   SurveyInfo, UserInfo)
from pbx.extensions import db
from pbx.tenancy import scoped, sip_domain


def snapshot_of(tenant, config, *, today: date | None = None) -> DirectorySnapshot:
    """The snapshot of a ``models.Tenant`` as it is in the database now."""
    def rows(model):
        return db.session.scalars(scoped(model, tenant.id).order_by(model.id)).all()

    suffix = config.get("SIP_DOMAIN_SUFFIX", "")
    return DirectorySnapshot(
        tenant_id=tenant.id,
        timezone=tenant.timezone,
        language=_value(tenant.language),
        sip_domain=sip_domain(tenant.id, suffix),
        carrier_gateway=config.get("CARRIER_GATEWAY", "carrier"),
        today=today or date.today(),
        users={u.id: UserInfo(u.id, u.extension, u.phone, u.record_calls, u.may_present_main_number,
                              u.always_present_main_number, name=u.full_name,
                              may_record_on_demand=u.may_record_on_demand) for u in rows(models.User)},
        groups={g.id: GroupInfo(g.id, g.extension, _value(g.ring_mode), g.record_calls,
                                tuple(MemberInfo(m.user_id, m.ring_seconds) for m in g.members),
                                _fallback(g.fallback_box_id, g.fallback_number), name=g.name)
                for g in rows(models.Group)},
        announcements={a.id: AnnouncementInfo(a.id, _value(a.language), name=a.name)
                       for a in rows(models.Announcement)},
        boxes={b.id: BoxInfo(b.id, b.greeting_id, b.max_seconds, name=b.name, recipients=len(b.recipient_emails))
               for b in rows(models.VoicemailBox)},
        lists={n.id: NumberListInfo(n.id, _value(n.kind), tuple(n.patterns or ()), name=n.name)
               for n in rows(models.NumberList)},
        main_numbers={m.id: MainNumberInfo(m.id, m.number, m.is_primary, m.target_user_id, m.target_group_id,
                                           _fallback(m.fallback_box_id, m.fallback_number))
                      for m in rows(models.MainNumber)},
        fallback=_fallback(tenant.default_fallback_box_id, tenant.default_fallback_number),
        overrides=_overrides(rows(models.RoutingOverride), ZoneInfo(tenant.timezone)),
        transfer_blind_code=tenant.transfer_blind_code, transfer_attended_code=tenant.transfer_attended_code,
        record_code=tenant.record_code, recording_notice_id=tenant.recording_notice_id,
        contacts={c.id: c for c in contacts_of(tenant.id)},
        surveys={s.id: _survey(s) for s in rows(models.Survey)},
    )


def _survey(survey: models.Survey) -> SurveyInfo:
    questions = tuple(QuestionInfo(q["prompt"], q["keys"], q.get("repeat", 2)) for q in survey.questions or ())
    return SurveyInfo(survey.id, questions, survey.timeout_seconds, survey.comment_prompt_id, survey.comment_seconds,
                      survey.thanks_prompt_id, name=survey.name)


def contacts_of(tenant_id: int) -> list[ContactInfo]:
    rows = db.session.scalars(scoped(models.Contact, tenant_id).order_by(models.Contact.id))
    return [ContactInfo(c.id, c.name, tuple(n["number"] for n in c.numbers or ()), tuple(c.groups or ()))
            for c in rows]


def _overrides(rows, zone: ZoneInfo) -> dict[int, OverrideInfo]:
    """Each main number's override, its end as wall time in the company's zone. An ended one is kept:
    its time condition no longer matches, so nothing has to remove it at the end."""
    return {o.main_number_id: OverrideInfo(o.main_number_id, aware(o.ends_at).astimezone(zone).replace(tzinfo=None),
                                           o.mode, o.announcement_id or o.user_id or o.group_id, o.number)
            for o in rows}


def aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)  # SQLite returns naive UTC


def _fallback(box_id, number) -> Fallback | None:
    return Fallback(box_id, number) if box_id or number else None


def _value(item):
    return getattr(item, "value", item)


def tenant_build(tenant_id: int, config) -> compiler.TenantBuild:
    """The company's dialplan document and its queues (longest-idle groups, published trees)."""
    snap, published = _loaded(tenant_id, config)
    return compiler.tenant_build(snap, published)


def tenant_document(tenant_id: int, config) -> bytes:
    return tenant_build(tenant_id, config).document


def tenant_queues(tenant_id: int, config) -> list[dict]:
    """The company's queues alone, as ``tenant_build`` gives them, without writing its dialplan."""
    snap, published = _loaded(tenant_id, config)
    return compiler.tenant_queues(snap, published)


def callcenter_queues(config) -> list[dict]:
    """Queue definitions (contract shape) of every company."""
    tenants = db.session.scalars(select(models.Tenant.id).order_by(models.Tenant.id)).all()
    return sorted((queue for tenant_id in tenants for queue in tenant_queues(tenant_id, config)),
                  key=lambda q: q["name"])


def public_entry(tenant_id: int, main_number_id: int, context: str = "public") -> compiler.Entry:
    """The one-extension document for the carrier's first hunt of one main number, and callers' names."""
    number = db.session.get(models.MainNumber, main_number_id)
    if number is None or number.tenant_id != int(tenant_id):
        raise LookupError(f"main number {main_number_id} is not a number of company {tenant_id}")
    return compiler.public_entry(number.tenant_id, number.id, number.number, context,
                                 _named_contacts(number.tenant_id), _named_users(number.tenant_id))


def _named_contacts(tenant_id: int) -> list[ContactInfo]:
    """Only the columns a name needs: an address book holds thousands of contacts."""
    query = (select(models.Contact.id, models.Contact.name, models.Contact.numbers)
             .where(models.Contact.tenant_id == tenant_id))
    return [ContactInfo(row.id, row.name, tuple(n["number"] for n in row.numbers or ()))
            for row in db.session.execute(query)]


def _named_users(tenant_id: int) -> list[UserInfo]:
    return [UserInfo(user.id, phone=user.phone, name=user.full_name)
            for user in db.session.scalars(scoped(models.User, tenant_id).where(models.User.phone.isnot(None)))]


def _loaded(tenant_id: int, config) -> tuple[DirectorySnapshot, list[compiler.Published]]:
    tenant = db.session.get(models.Tenant, int(tenant_id))
    if tenant is None:
        raise LookupError(f"no company with id {tenant_id}")
    query = (select(models.Scenario, models.ScenarioVersion)
             .join(models.ScenarioVersion, models.Scenario.published_version_id == models.ScenarioVersion.id)
             .where(models.Scenario.tenant_id == tenant.id).order_by(models.Scenario.id))
    published = [compiler.Published(scenario.id, scenario.name, scenario.main_number_id, version.id, version.number,
                                    version.tree, version.compiled_xml, version.compiled_meta)
                 for scenario, version in db.session.execute(query).all()]
    return snapshot_of(tenant, config), published
