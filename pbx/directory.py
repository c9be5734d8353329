"""Company directory services: validated creation and change of tenant-owned objects.

Each function validates through ``schemas`` (raising marshmallow's ValidationError
with every problem per field) and changes nothing when validation fails.
"""
from __future__ import annotations

import secrets
from pathlib import Path

from marshmallow import ValidationError

from pbx import models, prompts
from pbx.extensions import db
from pbx.messages import Message
from pbx.scenarios import references_to
from pbx.tenancy import get_owned
from schemas.company import CompanyInput
from schemas.directory import (
    AnnouncementInput, GroupInput, MainNumberInput, NumberListInput, TenantInput, UserInput, VoicemailBoxInput,
)


def create_tenant(data: dict) -> models.Tenant:
    values = TenantInput().load(data)
    tenant = models.Tenant(**{**values, "language": models.Language(values["language"])})
    db.session.add(tenant)
    db.session.flush()
    return tenant


def update_tenant(tenant: models.Tenant, data: dict) -> models.Tenant:
    """Change any of the company's own settings; an actual change bumps its dialplan revision (pbx.audit)."""
    values = CompanyInput(instance_id=tenant.id, partial=True).load(data)
    if "language" in values:
        values["language"] = models.Language(values["language"])
    for key, value in values.items():
        setattr(tenant, key, value)
    db.session.flush()
    return tenant


def new_server_secret(tenant: models.Tenant) -> str:
    """A new signing key for the company's "Call a server" nodes; the old one stops working at once."""
    tenant.server_secret = secrets.token_hex(32)  # 256 random bits, hex: any HMAC library takes it as text
    db.session.flush()
    return tenant.server_secret


def add_main_number(tenant: models.Tenant, data: dict) -> models.MainNumber:
    values = MainNumberInput(tenant_id=tenant.id).load(data)
    if values["is_primary"]:
        for other in tenant.main_numbers:
            other.is_primary = False
    elif not tenant.main_numbers:
        values["is_primary"] = True  # the first number of a company is its primary one
    number = models.MainNumber(tenant_id=tenant.id, **values)
    db.session.add(number)
    db.session.flush()
    return number


def new_sip_password() -> str:
    return secrets.token_urlsafe(18)  # 24 characters, 144 random bits


def add_user(tenant: models.Tenant, data: dict) -> models.User:
    values = UserInput(tenant_id=tenant.id).load(data)
    user = models.User(tenant_id=tenant.id, sip_password=new_sip_password(), **values)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(tenant: models.Tenant, user_id: int, data: dict) -> models.User:
    user = get_owned(models.User, tenant.id, user_id)
    values = UserInput(tenant_id=tenant.id, instance_id=user.id, partial=True).load(data)
    for key, value in values.items():
        setattr(user, key, value)
    db.session.flush()
    return user


def _set_members(group: models.Group, members: list[dict]) -> None:
    # Old rows go first: a member kept in a new order would clash with its own old row.
    group.members.clear()
    db.session.flush()
    group.members = [
        # A partial update does not apply nested defaults, hence the explicit one.
        models.GroupMember(user_id=m["user_id"], ring_seconds=m.get("ring_seconds", 20), position=i)
        for i, m in enumerate(members)
    ]


def add_group(tenant: models.Tenant, data: dict) -> models.Group:
    values = GroupInput(tenant_id=tenant.id).load(data)
    members = values.pop("members")
    group = models.Group(tenant_id=tenant.id, **values)
    db.session.add(group)
    _set_members(group, members)
    db.session.flush()
    return group


def update_group(tenant: models.Tenant, group_id: int, data: dict) -> models.Group:
    group = get_owned(models.Group, tenant.id, group_id)
    values = GroupInput(tenant_id=tenant.id, instance_id=group.id, partial=True).load(data)
    members = values.pop("members", None)
    for key, value in values.items():
        setattr(group, key, value)
    if members is not None:
        _set_members(group, members)
    db.session.flush()
    return group


def _add_simple(model, schema, tenant: models.Tenant, data: dict):
    obj = model(tenant_id=tenant.id, **schema(tenant_id=tenant.id).load(data))
    db.session.add(obj)
    db.session.flush()
    return obj


def add_number_list(tenant: models.Tenant, data: dict) -> models.NumberList:
    return _add_simple(models.NumberList, NumberListInput, tenant, data)


def add_announcement(tenant: models.Tenant, data: dict) -> models.Announcement:
    return _add_simple(models.Announcement, AnnouncementInput, tenant, data)


def _problems(check) -> dict:
    """Field errors of one check, so that several checks are reported together."""
    try:
        check()
    except ValidationError as error:
        return error.normalized_messages()
    return {}


def add_uploaded_announcement(tenant: models.Tenant, data: dict, upload: bytes, config) -> models.Announcement:
    """An announcement from an mp3 (into config's PROMPTS_DIR); the problems of its fields and of the file are
    reported at once."""
    values = {**data, "source": "upload"}
    errors = _problems(lambda: AnnouncementInput(tenant_id=tenant.id).load(values))
    errors.update(_problems(lambda: prompts.check_mp3(upload, config)) if upload
                  else {"file": [Message("announcement.choose_file")]})
    if errors:
        raise ValidationError(errors)
    announcement = add_announcement(tenant, values)
    prompts.store_upload(announcement, upload, config)
    return announcement


def add_voicemail_box(tenant: models.Tenant, data: dict) -> models.VoicemailBox:
    values = VoicemailBoxInput(tenant_id=tenant.id).load(data)
    recipient_ids = values.pop("recipient_ids")
    box = models.VoicemailBox(tenant_id=tenant.id, **values)
    box.recipients = [get_owned(models.User, tenant.id, uid) for uid in recipient_ids]
    db.session.add(box)
    db.session.flush()
    return box


# ------------------------------------------------------------ deletion

def _update_simple(model, schema, tenant: models.Tenant, obj_id: int, data: dict, *, ignore=()):
    obj = get_owned(model, tenant.id, obj_id)
    values = schema(tenant_id=tenant.id, instance_id=obj.id, partial=True).load(data)
    for key, value in values.items():
        if key not in ignore:
            setattr(obj, key, value)
    db.session.flush()
    return obj, values


def update_main_number(tenant: models.Tenant, number_id: int, data: dict) -> models.MainNumber:
    number = get_owned(models.MainNumber, tenant.id, number_id)
    if data.get("is_primary") is False and number.is_primary:
        raise ValidationError({"is_primary": [Message("main_number.primary_stays")]})
    if data.get("is_primary"):
        for other in tenant.main_numbers:
            other.is_primary = False
    return _update_simple(models.MainNumber, MainNumberInput, tenant, number_id, data)[0]


def delete_main_number(tenant: models.Tenant, number_id: int) -> None:
    number = get_owned(models.MainNumber, tenant.id, number_id)
    if number.is_primary:
        raise ValidationError({"is_primary": [Message("main_number.primary_delete")]})
    scenario = number.scenario
    if scenario is not None:
        # Versions and the scenario go one by one so the audit log records each of them.
        scenario.published_version_id = None
        db.session.flush()
        for version in scenario.versions:
            db.session.delete(version)
        db.session.delete(scenario)
        db.session.flush()
    db.session.delete(number)
    db.session.flush()


def update_number_list(tenant: models.Tenant, list_id: int, data: dict) -> models.NumberList:
    return _update_simple(models.NumberList, NumberListInput, tenant, list_id, data)[0]


def update_announcement(tenant: models.Tenant, announcement_id: int, data: dict, config) -> models.Announcement:
    """Change an announcement; text to speech is spoken again (into config's PROMPTS_DIR) when its words or
    voice change."""
    # An upload stays an upload and text to speech stays text: the source never changes here.
    announcement, values = _update_simple(models.Announcement, AnnouncementInput, tenant, announcement_id, data,
                                          ignore=("source",))
    if announcement.source == models.PromptSource.TTS and {"text", "voice", "language"} & set(values):
        if not announcement.text.strip():
            raise ValidationError({"text": [Message("announcement.text_required")]})
        prompts.render_tts(announcement, config)
    return announcement


def update_voicemail_box(tenant: models.Tenant, box_id: int, data: dict) -> models.VoicemailBox:
    box = get_owned(models.VoicemailBox, tenant.id, box_id)
    # The "at least one recipient" rule needs both lists, so the missing one comes from the box.
    data = {"recipient_ids": [u.id for u in box.recipients], "extra_emails": list(box.extra_emails or []), **data}
    values = VoicemailBoxInput(tenant_id=tenant.id, instance_id=box.id, partial=True).load(data)
    box.recipients = [get_owned(models.User, tenant.id, uid) for uid in values.pop("recipient_ids")]
    for key, value in values.items():
        setattr(box, key, value)
    db.session.flush()
    return box


def _refuse_if_used(tenant: models.Tenant, kind: str, obj, code: str, name: str) -> None:
    """ValidationError naming every place that still uses the object (``code``: "<what> is used by <place>");
    nothing is deleted then."""
    places = references_to(tenant.id, kind, obj.id)
    if places:
        raise ValidationError({"used_by": [Message(code, name=name, place=place) for place in places]})


def delete_user(tenant: models.Tenant, user_id: int) -> None:
    """Delete a user no scenario, main number, needed group or voicemail box relies on.

    The user's group memberships and places among voicemail recipients go too, through the ORM
    so the audit log records them.
    """
    user = get_owned(models.User, tenant.id, user_id)
    _refuse_if_used(tenant, "user", user, "in_use.user", user.full_name)
    memberships = db.session.scalars(db.select(models.GroupMember).where(models.GroupMember.user_id == user.id)).all()
    for member in memberships:
        db.session.delete(member)  # still in its group while flushed: the audit entry names the company
    for box in db.session.scalars(db.select(models.VoicemailBox).where(models.VoicemailBox.tenant_id == tenant.id)):
        if user in box.recipients:
            box.recipients.remove(user)
    db.session.delete(user)
    db.session.flush()
    for member in memberships:
        db.session.expire(member.group, ["members"])


def _delete_unused(tenant: models.Tenant, model, kind: str, obj_id: int, code: str):
    obj = get_owned(model, tenant.id, obj_id)
    _refuse_if_used(tenant, kind, obj, code, obj.name)
    db.session.delete(obj)
    db.session.flush()
    return obj


def delete_group(tenant: models.Tenant, group_id: int) -> None:
    _delete_unused(tenant, models.Group, "group", group_id, "in_use.group")


def delete_announcement(tenant: models.Tenant, announcement_id: int, config) -> Path:
    """Delete an unused announcement; its sound file (in config's PROMPTS_DIR) is returned, to be removed once
    the deletion is committed."""
    return prompts.prompt_path(_delete_unused(tenant, models.Announcement, "announcement", announcement_id,
                                              "in_use.announcement"), config)


def delete_voicemail_box(tenant: models.Tenant, box_id: int) -> None:
    _delete_unused(tenant, models.VoicemailBox, "box", box_id, "in_use.voicemail_box")


def delete_number_list(tenant: models.Tenant, list_id: int) -> None:
    _delete_unused(tenant, models.NumberList, "list", list_id, "in_use.number_list")
