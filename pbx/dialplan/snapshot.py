"""A plain-data copy of one tenant's directory: what the compiler may know about the company.

Built from the database in exactly one place (``pbx.company_dialplan.snapshot_of``) so every
compiler pass can be tested without a database, and a compile depends on nothing but (tree, snapshot).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

HOLIDAY_YEARS = 5  # Easter-based holidays are emitted for this many years from `today`


@dataclass(frozen=True)
class Fallback:
    """Where a call goes when nobody answered and the place that rang has no branch of its own."""
    box_id: int | None = None  # a voicemail box
    number: str | None = None  # or an outside number, E.164 with '+'


@dataclass(frozen=True)
class UserInfo:
    id: int
    extension: str | None = None
    phone: str | None = None  # E.164 with '+'
    record_calls: bool = False
    may_present_main_number: bool = False
    always_present_main_number: bool = False
    name: str = field(default="", compare=False)  # for the checker's words, never in a dialplan
    may_record_on_demand: bool = False


@dataclass(frozen=True)
class MemberInfo:
    user_id: int
    ring_seconds: int = 20


@dataclass(frozen=True)
class GroupInfo:
    id: int
    extension: str | None = None
    ring_mode: str = "sequential"
    record_calls: bool = False
    members: tuple[MemberInfo, ...] = ()
    fallback: Fallback | None = None
    name: str = field(default="", compare=False)  # for the checker's words, never in a dialplan


@dataclass(frozen=True)
class AnnouncementInfo:
    id: int
    language: str = "pl"
    name: str = field(default="", compare=False)  # for the checker's words, never in a dialplan


@dataclass(frozen=True)
class BoxInfo:
    id: int
    greeting_id: int | None = None
    max_seconds: int = 180
    name: str = field(default="", compare=False)  # for the checker's words, never in a dialplan
    recipients: int = field(default=0, compare=False)  # e-mail addresses it sends to, for the checker


@dataclass(frozen=True)
class QuestionInfo:
    prompt_id: int  # an announcement
    keys: str  # the keys that answer it, e.g. "12345"
    repeat: int = 2  # tries on a wrong key or none


@dataclass(frozen=True)
class SurveyInfo:
    id: int
    questions: tuple[QuestionInfo, ...] = ()
    timeout_seconds: int = 5
    comment_prompt_id: int | None = None  # set: the caller may leave a spoken comment
    comment_seconds: int = 60
    thanks_prompt_id: int | None = None
    name: str = field(default="", compare=False)  # for the checker's words, never in a dialplan


@dataclass(frozen=True)
class NumberListInfo:
    id: int
    kind: str  # "vip" / "blacklist"
    patterns: tuple[str, ...] = ()
    name: str = field(default="", compare=False)  # for the checker's words, never in a dialplan


@dataclass(frozen=True)
class ContactInfo:
    """A contact of the company's address book: its name goes to phones as the caller's name
    (pbx.switch_text neutralises it on output), its groups serve caller conditions ("VIP")."""
    id: int
    name: str
    numbers: tuple[str, ...] = ()  # E.164 with '+'
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class MainNumberInfo:
    id: int
    number: str
    is_primary: bool = False
    target_user_id: int | None = None
    target_group_id: int | None = None
    fallback: Fallback | None = None


@dataclass(frozen=True)
class OverrideInfo:
    """A main number's temporary override: its calls go elsewhere until ``ends`` (wall time in the
    company's zone, never inside a repeated or skipped hour of a DST change)."""
    main_number_id: int
    ends: datetime
    mode: str  # closed / announcement / user / group / number
    target_id: int | None = None  # the announcement, user or group
    number: str | None = None  # E.164 with '+'


@dataclass(frozen=True)
class DirectorySnapshot:
    tenant_id: int
    timezone: str = "Europe/Warsaw"
    language: str = "pl"
    sip_domain: str = "t1.pbx.local"
    carrier_gateway: str = "carrier"
    today: date = field(default_factory=lambda: date(2026, 1, 1))
    users: dict[int, UserInfo] = field(default_factory=dict)
    groups: dict[int, GroupInfo] = field(default_factory=dict)
    announcements: dict[int, AnnouncementInfo] = field(default_factory=dict)
    boxes: dict[int, BoxInfo] = field(default_factory=dict)
    lists: dict[int, NumberListInfo] = field(default_factory=dict)
    main_numbers: dict[int, MainNumberInfo] = field(default_factory=dict)
    fallback: Fallback | None = None  # the company's default
    overrides: dict[int, OverrideInfo] = field(default_factory=dict)  # by main number id, not yet ended
    # Keys a user presses on a bridged call to transfer it (meta key and digit, e.g. "*1"); None: off.
    transfer_blind_code: str | None = None
    transfer_attended_code: str | None = None
    # Keys a user with the right presses to start and stop recording a bridged call; None: off.
    record_code: str | None = None
    recording_notice_id: int | None = None  # the company's own notice (an announcement), else the shared one
    contacts: dict[int, ContactInfo] = field(default_factory=dict)
    surveys: dict[int, SurveyInfo] = field(default_factory=dict)

    @property
    def context(self) -> str:
        return f"tenant_{self.tenant_id}"

    @property
    def primary_number(self) -> MainNumberInfo | None:
        ordered = sorted(self.main_numbers.values(), key=lambda n: (not n.is_primary, n.id))
        return ordered[0] if ordered else None

    def fallback_extension(self, *, main_number_id: int | None = None, group_id: int | None = None) -> str | None:
        """The extension of the most specific fallback set: the main number's, the group's, the company's."""
        number, group = self.main_numbers.get(main_number_id), self.groups.get(group_id)
        if number is not None and number.fallback:
            return f"fallback_main_{number.id}"
        if group is not None and group.fallback:
            return f"fallback_group_{group.id}"
        return "fallback_company" if self.fallback else None

    def contact_group(self, group: str) -> list[ContactInfo]:
        """The contacts in a group, its name compared as the panel keeps groups ("VIP" is "vip")."""
        wanted = group.strip().casefold()
        return [c for c in sorted(self.contacts.values(), key=lambda c: c.id)
                if wanted in (g.casefold() for g in c.groups)]

    def extension_owner(self, extension: str):
        for item in list(self.users.values()) + list(self.groups.values()):
            if item.extension == extension:
                return item
        return None
