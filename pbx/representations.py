"""The JSON shape of each object a company manages: the panel's API answers with it, and the CLI's
``--json`` prints it, so scripts read the same keys from both."""
from __future__ import annotations

from datetime import datetime, timezone

from pbx import models, scenarios
from pbx.messages import Message


def stamp(value: datetime | None) -> str | None:
    """ISO time in UTC; SQLite hands back naive datetimes, all of which are UTC."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()


def company_json(tenant: models.Tenant) -> dict:
    return {
        "id": tenant.id, "name": tenant.name, "timezone": tenant.timezone, "language": tenant.language.value,
        "retention_days": tenant.retention_days, "fallback_number": tenant.fallback_number,
        "default_fallback_box_id": tenant.default_fallback_box_id,
        "default_fallback_number": tenant.default_fallback_number,
        "transfer_blind_code": tenant.transfer_blind_code, "transfer_attended_code": tenant.transfer_attended_code,
        "server_secret_set": tenant.server_secret is not None,
        "record_code": tenant.record_code, "recording_notice_id": tenant.recording_notice_id,
    }


def user_json(u: models.User) -> dict:
    return {
        "id": u.id, "first_name": u.first_name, "last_name": u.last_name, "phone": u.phone,
        "email": u.email, "role": u.role.value, "description": u.description, "extension": u.extension,
        "may_present_main_number": u.may_present_main_number,
        "always_present_main_number": u.always_present_main_number, "record_calls": u.record_calls,
        "admin_level": u.admin_level, "receptionist": u.receptionist, "may_record_on_demand": u.may_record_on_demand,
    }


def contact_json(c: models.Contact) -> dict:
    return {"id": c.id, "name": c.name, "company": c.company, "numbers": list(c.numbers or []),
            "groups": list(c.groups or []), "note": c.note}


def group_json(gr: models.Group) -> dict:
    return {
        "id": gr.id, "name": gr.name, "ring_mode": gr.ring_mode.value, "extension": gr.extension,
        "record_calls": gr.record_calls, "fallback_box_id": gr.fallback_box_id, "fallback_number": gr.fallback_number,
        "members": [{"user_id": m.user_id, "name": m.user.full_name, "ring_seconds": m.ring_seconds}
                    for m in gr.members],
    }


def main_number_json(n: models.MainNumber) -> dict:
    scenario = n.scenario
    published = scenario.published_version if scenario else None
    return {
        "id": n.id, "number": n.number, "is_primary": n.is_primary, "label": n.label,
        "target_user_id": n.target_user_id, "target_group_id": n.target_group_id,
        "fallback_box_id": n.fallback_box_id, "fallback_number": n.fallback_number,
        "scenario": None if scenario is None else {
            "id": scenario.id, "name": scenario.name, "has_draft": scenario.draft is not None,
            "draft_updated_at": stamp(scenario.draft_updated_at),
            "published_version": published.number if published else None,
        },
    }


def number_list_json(lst: models.NumberList) -> dict:
    return {"id": lst.id, "name": lst.name, "kind": lst.kind.value, "patterns": list(lst.patterns or [])}


def announcement_json(a: models.Announcement) -> dict:
    return {
        "id": a.id, "name": a.name, "language": a.language.value, "source": a.source.value, "text": a.text,
        "voice": a.voice, "duration_seconds": a.duration_seconds, "rendered": a.storage_key is not None,
    }


def box_json(box: models.VoicemailBox) -> dict:
    return {
        "id": box.id, "name": box.name, "greeting_id": box.greeting_id, "max_seconds": box.max_seconds,
        "recipient_ids": [u.id for u in box.recipients], "extra_emails": list(box.extra_emails or []),
        "recipient_emails": box.recipient_emails,
    }


def version_json(v: models.ScenarioVersion, live_id: int | None, text=str, *, polish: bool = False) -> dict:
    """A published version; ``text`` words each warning's message (the panel's may be Polish), as
    ``note_text`` words the note ("Published", "Opublikowano")."""
    return {"number": v.number, "created_at": stamp(v.created_at), "created_by": v.created_by, "note": v.note,
            "note_text": scenarios.note_words(v.note, polish),
            "live": v.id == live_id,
            "warnings": [_warning(w, text) for w in (v.compiled_meta or {}).get("warnings", [])]}


def _warning(stored: dict | str, text) -> str:
    """A version's warning, stored as its node id and message code; versions published before messages had
    codes keep their English "<node id>: <message>" text."""
    if isinstance(stored, str):
        return stored
    return f"{stored['node_id']}: {text(Message.from_json(stored))}"


def problems_json(found, text=str) -> list[dict]:
    """Each problem's node, its message in words (``text``) and the message's code and parameters."""
    return [{"node_id": p.node_id, "message": text(p.message), **p.message.as_json()} for p in found]


def check_json(found: scenarios.Check, text=str) -> dict:
    return {"ok": found.ok, "errors": problems_json(found.errors, text),
            "warnings": problems_json(found.warnings, text)}


def scenario_json(tenant: models.Tenant, number: models.MainNumber, config, text=str, *, polish: bool = False) -> dict:
    """The scenario of a main number: its draft and the draft's check (``config``: the app's settings), and its
    versions newest first."""
    scenario = number.scenario
    if scenario is None:
        return {"main_number": number.number, "name": "", "draft": None, "versions": [], "check": None}
    draft, live = scenario.draft, scenario.published_version_id
    return {
        "main_number": number.number, "name": scenario.name, "draft": draft,
        "draft_updated_at": stamp(scenario.draft_updated_at),
        "versions": [version_json(v, live, text, polish=polish) for v in reversed(scenario.versions)],
        "check": check_json(scenarios.check(tenant, scenario, draft, config), text) if draft else None,
    }
