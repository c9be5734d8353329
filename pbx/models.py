"""The company domain: tenants and everything a tenant owns.

Every tenant-owned row carries ``tenant_id`` so a query can always be scoped to
the signed-in tenant (see ``pbx.tenancy``).
"""
from __future__ import annotations

import enum
from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    BigInteger,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pbx.extensions import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _enum(cls):
    # Stored as plain strings so PostgreSQL needs no enum types in migrations.
    return Enum(cls, native_enum=False, length=24, values_callable=lambda e: [m.value for m in e])


class Language(str, enum.Enum):
    PL = "pl"
    EN = "en"


class Role(str, enum.Enum):
    USER = "user"
    ADMIN = "admin"


class RingMode(str, enum.Enum):
    SEQUENTIAL = "sequential"
    RANDOM = "random"
    SIMULTANEOUS = "simultaneous"
    LONGEST_IDLE = "longest-idle"


class ListKind(str, enum.Enum):
    BLACKLIST = "blacklist"
    VIP = "vip"


class PromptSource(str, enum.Enum):
    UPLOAD = "upload"
    TTS = "tts"


class TenantOwned:
    """Mixin: the owning tenant; every tenant query filters on it."""

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), index=True)


class Tenant(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Warsaw")
    language: Mapped[Language] = mapped_column(_enum(Language), default=Language.PL)
    retention_days: Mapped[int] = mapped_column(Integer, default=90)
    # Where calls go when our dialplan cannot be served (apology, then this number).
    fallback_number: Mapped[str | None] = mapped_column(String(16))
    # Bumped by every audited change of the tenant: dialplan caches key on it, so no
    # worker process serves a dialplan older than the last publish or directory edit.
    dialplan_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Where a call goes when nobody answered and nothing more specific is set: a voicemail box
    # (no foreign key: box and tenant would refer to each other; a box in use cannot be deleted)
    # or an outside number.
    default_fallback_box_id: Mapped[int | None] = mapped_column(Integer)
    default_fallback_number: Mapped[str | None] = mapped_column(String(16))
    # Keys a user presses on a bridged call (a mobile through the carrier, or a desk phone) to
    # transfer it: blind, and announced; each a meta key (* or #) and one digit, None when off.
    # Announced is off until an owner sets it: it adds a dial string per extension to the dialplan
    # (about 0.5 KB each; docs/scenarios.md), which mod_xml_curl must fetch whole, under 1 MiB.
    transfer_blind_code: Mapped[str | None] = mapped_column(String(2), default="*1", server_default="*1")
    transfer_attended_code: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    main_numbers: Mapped[list[MainNumber]] = relationship(
        back_populates="tenant", order_by="MainNumber.id", cascade="all, delete-orphan", passive_deletes=True
    )
    users: Mapped[list[User]] = relationship(
        back_populates="tenant", order_by="User.id", cascade="all, delete-orphan", passive_deletes=True
    )
    groups: Mapped[list[Group]] = relationship(
        back_populates="tenant", order_by="Group.id", cascade="all, delete-orphan", passive_deletes=True
    )


class MainNumber(TenantOwned, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)  # E.164 with '+'
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    label: Mapped[str] = mapped_column(String(120), default="")
    # Without a scenario a main number may ring a user or a group directly.
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    target_group_id: Mapped[int | None] = mapped_column(ForeignKey("group.id", ondelete="SET NULL"))
    # When the user or group rung directly does not answer: a voicemail box or an outside number.
    fallback_box_id: Mapped[int | None] = mapped_column(ForeignKey("voicemail_box.id", ondelete="SET NULL"))
    fallback_number: Mapped[str | None] = mapped_column(String(16))

    tenant: Mapped[Tenant] = relationship(back_populates="main_numbers")
    scenario: Mapped[Scenario | None] = relationship(back_populates="main_number", uselist=False)


class RoutingOverride(TenantOwned, db.Model):
    """A main number's calls sent elsewhere until ``ends_at``: the served dialplan compares the time,
    so it ends by itself with no job running."""

    id: Mapped[int] = mapped_column(primary_key=True)
    main_number_id: Mapped[int] = mapped_column(ForeignKey("main_number.id", ondelete="CASCADE"), unique=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # "closed" (the schedule's closed branch), "announcement", "user", "group" or "number"
    mode: Mapped[str] = mapped_column(String(16))
    announcement_id: Mapped[int | None] = mapped_column(ForeignKey("announcement.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"))
    number: Mapped[str | None] = mapped_column(String(16))  # E.164 with '+'
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class User(TenantOwned, db.Model):
    __table_args__ = (UniqueConstraint("tenant_id", "extension", name="uq_user_tenant_extension"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(60))
    last_name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(16))
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(_enum(Role), default=Role.USER)
    description: Mapped[str] = mapped_column(String(500), default="")
    extension: Mapped[str | None] = mapped_column(String(6))
    may_present_main_number: Mapped[bool] = mapped_column(Boolean, default=False)
    # Present the main number on every outbound call, not only with the *666 prefix.
    always_present_main_number: Mapped[bool] = mapped_column(Boolean, default=False)
    record_calls: Mapped[bool] = mapped_column(Boolean, default=False)
    sip_password: Mapped[str | None] = mapped_column(String(64))
    admin_level: Mapped[int] = mapped_column(Integer, default=0)  # 0 none, 1 viewer, 2 editor, 3 owner
    # May sign in to the reception page and act on the company's calls (an admin or not).
    receptionist: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    tenant: Mapped[Tenant] = relationship(back_populates="users")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Group(TenantOwned, db.Model):
    __table_args__ = (UniqueConstraint("tenant_id", "extension", name="uq_group_tenant_extension"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    ring_mode: Mapped[RingMode] = mapped_column(_enum(RingMode), default=RingMode.SEQUENTIAL)
    extension: Mapped[str | None] = mapped_column(String(6))
    record_calls: Mapped[bool] = mapped_column(Boolean, default=False)
    # When nobody in the group answers (forwards without their own branch, extension dialling).
    fallback_box_id: Mapped[int | None] = mapped_column(ForeignKey("voicemail_box.id", ondelete="SET NULL"))
    fallback_number: Mapped[str | None] = mapped_column(String(16))

    tenant: Mapped[Tenant] = relationship(back_populates="groups")
    members: Mapped[list[GroupMember]] = relationship(
        back_populates="group", order_by="GroupMember.position", cascade="all, delete-orphan"
    )


class GroupMember(db.Model):
    __table_args__ = (UniqueConstraint("group_id", "user_id", name="uq_group_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    ring_seconds: Mapped[int] = mapped_column(Integer, default=20)

    group: Mapped[Group] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class NumberList(TenantOwned, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[ListKind] = mapped_column(_enum(ListKind))
    # Caller number patterns: E.164 numbers, or prefixes ending in '*' (e.g. "+4822*").
    patterns: Mapped[list] = mapped_column(JSON, default=list)


class Announcement(TenantOwned, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    language: Mapped[Language] = mapped_column(_enum(Language), default=Language.PL)
    source: Mapped[PromptSource] = mapped_column(_enum(PromptSource), default=PromptSource.TTS)
    text: Mapped[str] = mapped_column(Text, default="")
    voice: Mapped[str] = mapped_column(String(16), default="female")  # female / male
    storage_key: Mapped[str | None] = mapped_column(String(255))
    duration_seconds: Mapped[float | None] = mapped_column()


class Contact(TenantOwned, db.Model):
    """An outside person or firm in the company's address book: names callers, groups them ("VIP")."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    company: Mapped[str] = mapped_column(String(120), default="")
    # [{"label": "komórka", "number": "+48501234567"}, ...]: E.164 with '+', in the admin's order.
    numbers: Mapped[list] = mapped_column(JSON, default=list)
    groups: Mapped[list] = mapped_column(JSON, default=list)  # group names as typed, e.g. ["VIP"]
    note: Mapped[str] = mapped_column(Text, default="")


voicemail_recipient = db.Table(
    "voicemail_recipient",
    db.Column("box_id", ForeignKey("voicemail_box.id", ondelete="CASCADE"), primary_key=True),
    db.Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class VoicemailBox(TenantOwned, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    greeting_id: Mapped[int | None] = mapped_column(ForeignKey("announcement.id", ondelete="SET NULL"))
    extra_emails: Mapped[list] = mapped_column(JSON, default=list)
    max_seconds: Mapped[int] = mapped_column(Integer, default=180)

    greeting: Mapped[Announcement | None] = relationship()
    recipients: Mapped[list[User]] = relationship(secondary=voicemail_recipient, order_by="User.id")

    @property
    def recipient_emails(self) -> list[str]:
        seen, result = set(), []
        for address in [u.email for u in self.recipients] + list(self.extra_emails or []):
            if address.lower() not in seen:
                seen.add(address.lower())
                result.append(address)
        return result


class Scenario(TenantOwned, db.Model):
    """The editable tree of one main number; publishing freezes it as a version."""

    id: Mapped[int] = mapped_column(primary_key=True)
    main_number_id: Mapped[int] = mapped_column(ForeignKey("main_number.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    draft: Mapped[dict | None] = mapped_column(JSON)
    draft_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("scenario_version.id", use_alter=True, ondelete="SET NULL")
    )

    main_number: Mapped[MainNumber] = relationship(back_populates="scenario")
    versions: Mapped[list[ScenarioVersion]] = relationship(
        back_populates="scenario", foreign_keys="ScenarioVersion.scenario_id", order_by="ScenarioVersion.number"
    )
    published_version: Mapped[ScenarioVersion | None] = relationship(foreign_keys=[published_version_id])


class ScenarioVersion(TenantOwned, db.Model):
    """An immutable published tree and the dialplan compiled from it."""

    __table_args__ = (UniqueConstraint("scenario_id", "number", name="uq_scenario_version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenario.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    tree: Mapped[dict] = mapped_column(JSON)
    compiled_xml: Mapped[str] = mapped_column(Text)
    # What else the compiled dialplan needs served (queues for callcenter.conf, prompts ...).
    compiled_meta: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(254), default="")
    note: Mapped[str] = mapped_column(String(500), default="")

    scenario: Mapped[Scenario] = relationship(back_populates="versions", foreign_keys=[scenario_id])


class CallRecord(db.Model):
    """One call, written once per call UUID whatever order events arrive in."""

    # For the reports: a company's calls of a period, and a number's later calls (the call-back list).
    # PostgreSQL answers them from the index alone with the columns they read included.
    __table_args__ = (
        Index("ix_call_record_tenant_started", "tenant_id", "started_at",
              postgresql_include=["direction", "main_number", "caller", "answered_at"]),
        Index("ix_call_record_tenant_caller", "tenant_id", "caller", "started_at",
              postgresql_include=["direction", "answered_at"]),
        Index("ix_call_record_tenant_destination", "tenant_id", "destination", "started_at",
              postgresql_include=["direction", "answered_at"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), index=True)
    call_uuid: Mapped[str] = mapped_column(String(64), unique=True)
    direction: Mapped[str] = mapped_column(String(10), default="in")  # in / out / internal
    main_number: Mapped[str | None] = mapped_column(String(16))
    caller: Mapped[str] = mapped_column(String(64), default="")
    destination: Mapped[str] = mapped_column(String(64), default="")
    answered_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    answered_number: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    wait_seconds: Mapped[int] = mapped_column(Integer, default=0)
    talk_seconds: Mapped[int] = mapped_column(Integer, default=0)
    hangup_cause: Mapped[str] = mapped_column(String(40), default="")
    hangup_side: Mapped[str] = mapped_column(String(10), default="")  # caller / callee / system
    scenario_version_id: Mapped[int | None] = mapped_column(ForeignKey("scenario_version.id", ondelete="SET NULL"))
    path: Mapped[list] = mapped_column(JSON, default=list)
    # Where users sent the call themselves, after the path: "transfer:102 by Anna Kowalska" (pbx.calls.transfers).
    transfers: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    source: Mapped[str] = mapped_column(String(10), default="esl")  # esl / cdr

    legs: Mapped[list[CallLeg]] = relationship(back_populates="call", cascade="all, delete-orphan", order_by="CallLeg.id")


class CallHour(db.Model):
    """Calls of one company and UTC hour, counted for the reports (``pbx.reports.hourly``)."""

    # Read by company, kind and period, from the index alone on PostgreSQL; rebuilt by company and hour.
    __table_args__ = (Index("uq_call_hour_count", "tenant_id", "kind", "hour", "key", "direction", "outcome",
                            unique=True, postgresql_include=["calls", "waited", "talked"]),
                      Index("ix_call_hour_tenant_hour", "tenant_id", "hour"))

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    hour: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(8))  # number / path / user / wait
    key: Mapped[str] = mapped_column(Text)  # "<main number>\t<path, user id or wait>"
    direction: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str] = mapped_column(String(10))
    calls: Mapped[int] = mapped_column(Integer)
    waited: Mapped[int] = mapped_column(BigInteger)  # seconds, answered calls only
    talked: Mapped[int] = mapped_column(BigInteger)


class CallHourStale(db.Model):
    """An hour of a company whose counts (``CallHour``) a write made stale, until they are rebuilt."""

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), primary_key=True)
    hour: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)


class CallDay(db.Model):
    """The hourly counts (``CallHour``) summed per company and UTC day, so a year reads 365 days' rows."""

    __table_args__ = (Index("uq_call_day_count", "tenant_id", "kind", "day", "key", "direction", "outcome",
                            unique=True, postgresql_include=["calls", "waited", "talked"]),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    day: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # UTC midnight
    kind: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(Text)
    direction: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str] = mapped_column(String(10))
    calls: Mapped[int] = mapped_column(Integer)
    waited: Mapped[int] = mapped_column(BigInteger)
    talked: Mapped[int] = mapped_column(BigInteger)


class CallLeg(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call_record.id", ondelete="CASCADE"), index=True)
    leg_uuid: Mapped[str] = mapped_column(String(64), unique=True)
    destination: Mapped[str] = mapped_column(String(128), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    hangup_cause: Mapped[str] = mapped_column(String(40), default="")
    # caller (the A-leg) / callee / agent: the record is rebuilt from its legs in any arrival order.
    role: Mapped[str] = mapped_column(String(10), default="callee", server_default="callee")
    # sip_hangup_disposition (recv_bye, send_bye, send_cancel, ...): who hung up.
    disposition: Mapped[str] = mapped_column(String(20), default="", server_default="")

    call: Mapped[CallRecord] = relationship(back_populates="legs")


class CallTransfer(db.Model):
    """A transfer a user made from a phone, as one leg's hang-up told it (pbx.calls.transfers).

    One row per telling leg, so replays and the CDR post add nothing; an announced transfer by
    REFER is told in two halves (who, by the user's leg; where to, by the caller's leg).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    call_uuid: Mapped[str] = mapped_column(String(64), index=True)
    leg_uuid: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # blind / attended
    target: Mapped[str | None] = mapped_column(String(32))  # the extension or number dialled
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Recording(TenantOwned, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    call_uuid: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(12), default="call")  # call / voicemail / empty (no message)
    caller: Mapped[str] = mapped_column(String(64), default="")
    local_path: Mapped[str] = mapped_column(String(500), unique=True)
    storage_key: Mapped[str | None] = mapped_column(String(255))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    duration_seconds: Mapped[float | None] = mapped_column()
    voicemail_box_id: Mapped[int | None] = mapped_column(ForeignKey("voicemail_box.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    uploaded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    # When someone marked the voicemail as heard in the panel; None: new.
    heard_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class QueueEvent(TenantOwned, db.Model):
    __table_args__ = (UniqueConstraint("call_uuid", "queue", "kind", name="uq_queue_event_once"),
                      Index("ix_queue_event_tenant_at", "tenant_id", "at",
                            postgresql_include=["queue", "kind", "wait_seconds"]))

    id: Mapped[int] = mapped_column(primary_key=True)
    queue: Mapped[str] = mapped_column(String(120), index=True)
    call_uuid: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(12))  # entered / answered / abandoned / timeout
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    wait_seconds: Mapped[int] = mapped_column(Integer, default=0)
    agent: Mapped[str | None] = mapped_column(String(120))
    # Shown on the reception page while the caller waits.
    caller: Mapped[str] = mapped_column(String(64), default="", server_default="")


class SwitchStatus(db.Model):
    """What the listener process last knew of one FreeSWITCH (ESL_SERVERS), for the panel, another process.

    Shared by every company: it names the switch by ``host:port`` and holds no password.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    server: Mapped[str] = mapped_column(String(120), unique=True)  # host:port
    connected: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the current state began: connected since, or not connected since; None: the listener never
    # reported this switch (only a queue sync did).
    since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_event_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The listener writes at least every minute: an older row means the listener itself is away.
    reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Queue sync (pbx.switch_sync): "requested" on connect, then "in_line" or "failed".
    sync_state: Mapped[str] = mapped_column(String(12), default="", server_default="")
    sync_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditLogEntry(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenant.id", ondelete="SET NULL"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(254), default="system")
    action: Mapped[str] = mapped_column(String(10))  # create / update / delete
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(40), default="")
    changes: Mapped[dict] = mapped_column(JSON, default=dict)


class LoginCode(db.Model):
    """A one-time sign-in code sent to an e-mail address or phone number; only its hash is stored.

    Codes are kept per address, known or not, so a request does the same work either way.
    """

    __table_args__ = (CheckConstraint("attempts >= 0", name="attempts_non_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(254), index=True)  # lower-case e-mail or E.164 number
    code_hash: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class PanelSession(db.Model):
    """A signed-in browser: the cookie carries a random id, this row its hash and its life."""

    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ApiToken(TenantOwned, db.Model):
    """A token for scripts (``Authorization: Bearer``); acts as the owner who created it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    scope: Mapped[str] = mapped_column(String(8))  # "read" or "full"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RateLimitHit(db.Model):
    """Requests counted per key and fixed time window, shared by every worker process."""

    __table_args__ = (UniqueConstraint("key", "window", name="uq_rate_limit_hit_key_window"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120))
    window: Mapped[int] = mapped_column(BigInteger)  # seconds since the epoch // window length
    count: Mapped[int] = mapped_column(Integer, default=0)


class VoicemailDelivery(db.Model):
    """One e-mail of one voicemail to one address: the row makes the e-mail go out once."""

    __table_args__ = (UniqueConstraint("recording_id", "email", name="uq_voicemail_delivery_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_id: Mapped[int] = mapped_column(ForeignKey("recording.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")


class Fax(TenantOwned, db.Model):
    """One fax: received by a fax node (e-mailed as PDF to a box's recipients) or sent from the panel.

    Statuses: received / failed for faxes in; queued → sending → sent / failed for faxes out.
    """

    __table_args__ = (Index("ix_fax_tenant_created", "tenant_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(3))  # in / out
    call_uuid: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The other side: the caller of a fax in, the number a fax out is sent to (E.164).
    number: Mapped[str] = mapped_column(String(64), default="")
    box_id: Mapped[int | None] = mapped_column(ForeignKey("voicemail_box.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(200), default="")
    pages: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # The TIFF as the listener sees it (the one spandsp wrote, or the one we made to send).
    file_path: Mapped[str] = mapped_column(String(500), default="")
    document_name: Mapped[str] = mapped_column(String(200), default="")
    sent_by: Mapped[str] = mapped_column(String(254), default="")
    # Addresses the received fax went to: a retry e-mails only the others.
    emailed_to: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    tried_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the last try to send
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ExportJob(TenantOwned, db.Model):
    """A call-record export too big for one response, written by the task worker to storage."""

    id: Mapped[int] = mapped_column(primary_key=True)
    format: Mapped[str] = mapped_column(String(12))  # csv / csv-excel / xlsx
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    requested_by: Mapped[str] = mapped_column(String(254), default="")
    status: Mapped[str] = mapped_column(String(10), default="queued")  # queued / running / done / failed
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    storage_key: Mapped[str | None] = mapped_column(String(255))
    file_name: Mapped[str] = mapped_column(String(120), default="")
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ExportSchedule(TenantOwned, db.Model):
    """Call records of each past day, week or month e-mailed to finance addresses."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    frequency: Mapped[str] = mapped_column(String(8))  # daily / weekly / monthly
    format: Mapped[str] = mapped_column(String(12))
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    recipients: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The first day of the last period whose e-mails all went out.
    last_period_sent: Mapped[date | None] = mapped_column(Date)


class ExportDelivery(db.Model):
    """One period of one schedule e-mailed to one address: the row makes the e-mail go out once."""

    __table_args__ = (UniqueConstraint("schedule_id", "period_start", "email", name="uq_export_delivery_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("export_schedule.id", ondelete="CASCADE"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    email: Mapped[str] = mapped_column(String(254))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
