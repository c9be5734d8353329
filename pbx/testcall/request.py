"""What the person asking for a test call gives, read in product words: keys, time, people, the caller."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import ValidationError
from sqlalchemy import select

from pbx import models
from pbx.company_dialplan import snapshot_of
from pbx.dialplan import dialing
from pbx.extensions import db
from pbx.messages import Message
from pbx.testcall.endpoint import Endpoint
from pbx.tenancy import sip_domain
from pbx.testcall.errors import TestCallInputError
from schemas.fields import FIRST_YEAR, LAST_YEAR, iso_date_text, normalise_phone

KEY_RE = re.compile(r"^(?:(\d+(?:\.\d+)?)s:)?([0-9*#]+)$")
SECONDS_RE = re.compile(r"^(\d{1,5}(?:\.\d+)?)\s*(s|m)?$")
CLOCK_RE = re.compile(r"^(\d{1,4}):([0-5]\d)$")  # 0:40, as the test call's story shows times
# A switch folder as FreeSWITCH's vars.xml sets it: an absolute path of plain characters.
FOLDER_RE = re.compile(r"^/[A-Za-z0-9._/-]{0,200}$")


def parse_keys(text: str | None) -> tuple[list[tuple[float, str]], list[str]]:
    """"1,101" (each pressed at the next menu) or "2s:1" (2 s after the call starts), mixed."""
    timed, untimed = [], []
    for token in filter(None, (t.strip() for t in (text or "").split(","))):
        match = KEY_RE.fullmatch(token)
        if not match:
            raise TestCallInputError(Message("testcall.not_keys", value=token), "keys")
        if match.group(1) is None:
            untimed.append(match.group(2))
        else:
            timed.append((float(match.group(1)), match.group(2)))
    return timed, untimed


TRANSFER_RE = re.compile(r"^(\d{1,5}(?:\.\d+)?)s:((?:refer:)?[0-9*#]{1,20})$")


def parse_transfers(items) -> list[tuple[float, str]]:
    """What whoever answered does on the phone: `30s:*1103` (keys: a transfer code, then 103) or
    `30s:refer:103` (a SIP phone's transfer key), seconds after the call starts."""
    found = []
    for item in items:
        match = TRANSFER_RE.fullmatch(item.strip()) if isinstance(item, str) else None
        if not match:
            raise TestCallInputError(Message("testcall.not_a_transfer", value=item), "transfers")
        found.append((float(match.group(1)), match.group(2)))
    return found


def parse_seconds(field_name: str, value) -> float:
    """A duration: a non-negative number of seconds, or text like 40s, 1.5m, 90 or 0:40 (minutes:seconds)."""
    clock = CLOCK_RE.fullmatch(value.strip()) if isinstance(value, str) else None
    if clock:
        return float(int(clock.group(1)) * 60 + int(clock.group(2)))
    match = SECONDS_RE.fullmatch(value.strip()) if isinstance(value, str) else None
    if match:
        return float(match.group(1)) * (60 if match.group(2) == "m" else 1)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 100_000:
        return float(value)
    raise TestCallInputError(Message("testcall.not_a_duration", value=value), field_name)


def parse_busy_until(items) -> dict[str, float]:
    """Who is busy until when: NAME=40s texts, or a mapping of names to durations."""
    pairs = list(items.items()) if isinstance(items, dict) else [str(item).rpartition("=")[::2] for item in items]
    for (name, _), item in zip(pairs, items):
        if not str(name).strip():
            raise TestCallInputError(Message("testcall.not_name_seconds", value=item), "busy_until")
    return {str(name).strip(): parse_seconds("busy_until", until) for name, until in pairs}


def check_folder(field_name: str, text: str) -> str:
    """A folder of the switch, as its vars.xml names it."""
    if not FOLDER_RE.fullmatch(text):
        raise TestCallInputError(Message("testcall.not_a_folder", value=text), field_name)
    return text.rstrip("/") or "/"


def check_zone(field_name: str, name: str) -> str:
    """An IANA time zone name, or a clear error naming the field."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise TestCallInputError(Message("zone.unknown", value=name), field_name) from None
    return name


def parse_at(text: str, zone: str) -> datetime:
    """An ISO date-time, read in `zone` unless it carries an offset; local times that do not exist fail."""
    try:
        at = datetime.fromisoformat(iso_date_text(text))
    except (AttributeError, ValueError):
        raise TestCallInputError(Message("date.not_a_date_time", value=text), "at") from None
    if not FIRST_YEAR <= at.year <= LAST_YEAR:
        raise TestCallInputError(Message("date.year_range", first=FIRST_YEAR, last=LAST_YEAR, year=at.year), "at")
    if at.tzinfo is not None:
        return at
    local = at.replace(tzinfo=ZoneInfo(zone))
    if local.astimezone(timezone.utc).astimezone(ZoneInfo(zone)).replace(tzinfo=None) != at:
        raise TestCallInputError(Message("date.skipped_by_clock_change", value=text, zone=zone), "at")
    return local


class People:
    """Users, groups and outside numbers of a tenant, and the dial targets the compiler rings them on."""

    def __init__(self, tenant: models.Tenant, config):
        self.snapshot = snapshot_of(tenant, config)
        self.users = db.session.scalars(select(models.User).where(models.User.tenant_id == tenant.id)
                                        .order_by(models.User.id)).all()
        self.groups = db.session.scalars(select(models.Group).where(models.Group.tenant_id == tenant.id)).all()
        self.by_target = {t: u for u in self.users for t in self.phones(u)}

    def phones(self, user: models.User) -> list[str]:
        """Every phone of a user the compiler rings at once: the mobile first, then the desk phone."""
        return dialing.user_targets(self.snapshot.users[user.id], self.snapshot)

    def user(self, text: str) -> models.User | None:
        """A user by extension, phone, full name, or first / last name when only one has it."""
        key = _fold(text)
        for matches in (lambda u: u.extension == text.strip(), lambda u: _fold(u.full_name) == key,
                        lambda u: _fold(u.first_name) == key, lambda u: _fold(u.last_name) == key,
                        lambda u: u.phone and u.phone == phone_or_none(text)):
            found = [u for u in self.users if matches(u)]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise TestCallInputError(Message("testcall.many_people", value=text, count=len(found)))
        return None

    def targets(self, text: str, *, answering: bool = False) -> list[str]:
        """Dial targets of a person, of every member of a group, or of an outside number.

        Someone who answers picks up on one phone (the first); busy, unreachable or not
        answering holds for all of a person's phones.
        """
        user = self.user(text)
        if user is not None:
            return self.phones(user)[:1] if answering else self.phones(user)
        group = next((g for g in self.groups if _fold(g.name) == _fold(text)), None)
        if group is not None:
            return [t for m in group.members for t in self.targets(m.user.full_name, answering=answering)]
        phone = phone_or_none(text)
        if phone is None:
            raise TestCallInputError(Message("testcall.nobody", value=text))
        return [f"sofia/gateway/{self.snapshot.carrier_gateway}/{dialing.digits(phone)}"]

    def name(self, user_id: str | None, target: str) -> str:
        user = next((u for u in self.users if str(u.id) == str(user_id)), None) or self.by_target.get(target)
        if user is not None:
            return user.full_name
        return "+" + target.rsplit("/", 1)[-1] if target.startswith("sofia/gateway/") else target


def _fold(text: str) -> str:
    return " ".join(str(text).casefold().split())


def phone_or_none(text: str) -> str | None:
    try:
        return normalise_phone(text)
    except ValidationError:
        return None


@dataclass
class Origin:
    """Where the call starts: from the carrier to a main number, or from a user's SIP phone."""

    context: str
    destination: str
    caller: str
    variables: dict[str, str]


def origin_of(tenant: models.Tenant, people: People, endpoint: Endpoint, number: str, caller: str) -> Origin:
    user = people.user(caller) if caller and not phone_or_none(caller) else None
    if user is not None:
        return _from_desk_phone(tenant, user, endpoint, number)
    phone = phone_or_none(caller or "")
    if phone is None:
        raise TestCallInputError(Message("testcall.unknown_caller", value=caller, company=tenant.name), "from")
    main = phone_or_none(number or "")
    if main is None or main not in {m.number for m in tenant.main_numbers}:
        known = ", ".join(m.number for m in tenant.main_numbers) or "—"
        raise TestCallInputError(Message("testcall.not_a_main_number", value=number, company=tenant.name, known=known),
                                 "number")
    # The carrier delivers both numbers as digits without '+' (captured requests).
    return Origin(endpoint.app.config.get("PUBLIC_CONTEXT", "public"), dialing.digits(main), dialing.digits(phone), {})


def _from_desk_phone(tenant: models.Tenant, user: models.User, endpoint: Endpoint, number: str) -> Origin:
    if not user.extension:
        raise TestCallInputError(Message("testcall.no_extension", name=user.full_name), "from")
    dialled = re.sub(r"[\s\-()]", "", number or "")
    if not re.fullmatch(r"[0-9*#+]{2,20}", dialled):
        raise TestCallInputError(Message("testcall.not_dialable", value=number), "number")
    domain = sip_domain(tenant.id, endpoint.app.config.get("SIP_DOMAIN_SUFFIX", ""))
    variables = endpoint.directory_variables(user.extension, domain)
    if "user_context" not in variables:
        raise TestCallInputError(Message("testcall.phone_not_in_directory", name=user.full_name), "from")
    # What mod_sofia sets on a call it authenticated against the directory.
    variables.update({"user_name": user.extension, "domain_name": domain, "sip_auth_username": user.extension})
    return Origin(variables["user_context"], dialled, user.extension, variables)


def scenario_of(tenant: models.Tenant, number: str) -> models.Scenario:
    main = phone_or_none(number or "")
    found = next((m for m in tenant.main_numbers if m.number == main), None)
    if found is None or found.scenario is None:
        raise TestCallInputError(Message("testcall.no_scenario", value=number, company=tenant.name), "number")
    return found.scenario
