"""Scenario versions: drafts, publishing, rollback and readable diffs.

Every change goes through the ORM so ``pbx.audit`` records it and bumps the tenant's
dialplan revision. Publishing compiles first and writes nothing when the tree has errors.
Rollback to version K creates a NEW version with K's tree compiled against today's
directory: history only grows, and the dialplan never refers to users that no longer exist.
K's tree also becomes the draft, so the editor shows what is live and the next publish
does not quietly bring back what was rolled back.
"""
from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass

from marshmallow import ValidationError
from sqlalchemy import func, select

from pbx import models
from pbx.audit import current_actor
from pbx.company_dialplan import snapshot_of
from pbx.compiler import ScenarioInvalid, compile_tree, lint, parse
from pbx.extensions import db
from pbx.messages import Message
from pbx.nodes import kind_of
from pbx.nodes.base import KINDS, RefId, branch_words
from pbx.nodes.walk import walk
from pbx.tenancy import NotFound, storable_id
from schemas.fields import normalise_phone
from schemas.scenario import ScenarioDocument


def scenario_for(tenant: models.Tenant, main_number: models.MainNumber, *, create: bool = False) -> models.Scenario:
    if main_number.tenant_id != tenant.id:
        raise NotFound(Message("main_number.not_ours", number=main_number.number))
    scenario = main_number.scenario
    if scenario is None and create:
        scenario = models.Scenario(tenant_id=tenant.id, main_number_id=main_number.id)
        db.session.add(scenario)
    if scenario is None:
        raise NotFound(Message("main_number.no_scenario", number=main_number.number))
    return scenario


def save_draft(scenario: models.Scenario, document: dict) -> models.Scenario:
    """Keep a draft whose shape is right, even if it does not compile yet (ValidationError otherwise)."""
    values = ScenarioDocument().load(document)
    scenario.draft = {"name": values["name"], "root": document["root"]}
    scenario.name = values["name"] or scenario.name
    scenario.draft_updated_at = models.utcnow()
    db.session.flush()
    return scenario


# The notes a version gets when the admin types none, and their words in the panel: (English, Polish).
PUBLISHED_NOTE = "published"
ROLLBACK_NOTE = re.compile(r"rollback to version (\d+)")
NOTE_WORDS = {"published": ("Published", "Opublikowano"), "rollback": ("Rolled back to version {n}", "Przywrócono wersję {n}")}


def note_words(note: str, polish: bool) -> str:
    """A version's note in words ("published" → "Opublikowano"); a note the admin typed stays as typed."""
    if note == PUBLISHED_NOTE:
        return NOTE_WORDS["published"][polish]
    rolled_back = ROLLBACK_NOTE.fullmatch(note)
    return NOTE_WORDS["rollback"][polish].format(n=rolled_back.group(1)) if rolled_back else note


def publish(scenario: models.Scenario, config, *, note: str = "") -> models.ScenarioVersion:
    """Compile the draft (against the switch names of ``config``, the app's settings) into a new immutable
    version and make it live (ScenarioInvalid on errors)."""
    if scenario.draft is None:
        raise NotFound(Message("scenario.no_draft_to_publish"))
    return _new_version(scenario, scenario.draft, note or PUBLISHED_NOTE, config)


def rollback(scenario: models.Scenario, number: int, config) -> models.ScenarioVersion:
    """Publish version ``number``'s tree again as a new version, and make it the draft."""
    tree = version(scenario, number).tree
    row = _new_version(scenario, tree, f"rollback to version {number}", config)  # read by ROLLBACK_NOTE
    scenario.draft = copy.deepcopy(tree)
    scenario.name = tree.get("name") or scenario.name
    scenario.draft_updated_at = models.utcnow()
    db.session.flush()
    return row


def version(scenario: models.Scenario, number: int) -> models.ScenarioVersion:
    found = db.session.scalar(select(models.ScenarioVersion).where(
        models.ScenarioVersion.scenario_id == scenario.id, models.ScenarioVersion.number == int(number))
    ) if storable_id(int(number)) else None
    if found is None:
        raise NotFound(Message("scenario.no_version", number=number))
    return found


@dataclass
class Check:
    """Errors that block publishing and lint warnings (``pbx.compiler.Problem``), each naming its node."""

    ok: bool
    errors: list
    warnings: list


def check(tenant: models.Tenant, scenario: models.Scenario, tree: dict, config) -> Check:
    """What publishing ``tree`` would say, without writing anything."""
    snapshot = snapshot_of(tenant, config)
    try:
        compiled = compile_tree(tree, snapshot, scenario_id=scenario.id or 0, version_id=0,
                                main_number_id=scenario.main_number_id)
    except ScenarioInvalid as error:
        try:  # a tree that parses still gets its warnings next to its errors
            warnings = lint.lint(parse.parse(tree), snapshot)
        except ScenarioInvalid:
            warnings = []
        return Check(False, error.errors, warnings)
    return Check(True, [], compiled.warnings)


def _new_version(scenario: models.Scenario, tree: dict, note: str, config) -> models.ScenarioVersion:
    tenant = db.session.get(models.Tenant, scenario.tenant_id)
    snapshot = snapshot_of(tenant, config)
    ids = {"scenario_id": scenario.id, "main_number_id": scenario.main_number_id}
    compile_tree(tree, snapshot, version_id=0, **ids)  # raises before anything is written
    last = db.session.scalar(select(func.max(models.ScenarioVersion.number)).where(
        models.ScenarioVersion.scenario_id == scenario.id)) or 0
    row = models.ScenarioVersion(tenant_id=tenant.id, scenario_id=scenario.id, number=last + 1, tree=tree,
                                 compiled_xml="", compiled_meta={}, created_by=current_actor(), note=note[:500])
    db.session.add(row)
    db.session.flush()  # the version id is part of the dialplan (centralka_version)
    compiled = compile_tree(tree, snapshot, version_id=row.id, **ids)
    row.compiled_xml = compiled.xml.decode("utf-8")
    row.compiled_meta = {**compiled.meta, "warnings": [{"node_id": w.node_id, **w.message.as_json()}
                                                       for w in compiled.warnings]}
    scenario.published_version_id = row.id
    db.session.flush()
    return row


# ---------------------------------------------------------------- references

REFERENCE_KINDS = ("user", "group", "box", "announcement", "list", "main_number", "survey")


def references_to(tenant_id: int, kind: str, obj_id: int) -> list[Message]:
    """Every place that would lose or silently change its meaning if the object went away.

    Scenario drafts and live versions (older versions are history: rolling back to one that
    names a deleted object is refused with that error), main numbers ringing a user or group
    directly, a group whose only member is the user while the group is in use, a voicemail
    box whose only recipient is the user, a box greeting.
    """
    if kind not in REFERENCE_KINDS:
        raise ValueError(f"unknown kind {kind!r} (one of: {', '.join(REFERENCE_KINDS)})")
    places = _in_scenarios(tenant_id, kind, int(obj_id)) + _in_directory(tenant_id, kind, int(obj_id))
    return list(dict.fromkeys(places))


def _in_scenarios(tenant_id: int, kind: str, obj_id: int) -> list[Message]:
    wanted = wanted_refs(tenant_id, kind, obj_id)
    places = []
    for scenario in db.session.scalars(select(models.Scenario).where(models.Scenario.tenant_id == tenant_id)
                                       .order_by(models.Scenario.id)):
        label = {"scenario": scenario.name or Message("scenario.without_name"), "number": scenario.main_number.number}
        live = scenario.published_version
        if kind == "main_number" and scenario.main_number_id == obj_id and (scenario.draft or live):
            places.append(Message("place.scenario_of_number", **label))
        places += [Message("place.draft_node", **label, node=node) for node in _nodes_naming(scenario.draft, wanted)]
        if live:
            places += [Message("place.published_node", **label, version=live.number, node=node)
                       for node in _nodes_naming(live.tree, wanted)]
    return places


def wanted_refs(tenant_id: int, kind: str, obj_id: int) -> set[tuple[str, object]]:
    """What node references mean the object: a main number is named by its number."""
    if kind != "main_number":
        return {(kind, obj_id)}
    number = db.session.get(models.MainNumber, obj_id)
    if number is None or number.tenant_id != tenant_id:
        return set()
    return {("number", normalise_phone(number.number))}


def _nodes_naming(tree, wanted: set) -> list[str]:
    """The nodes naming an object, by their names in the editor (their ids when they have none)."""
    return [str(data.get("name") or data.get("id")) for _, data, kind in walk((tree or {}).get("root"))
            if kind is not None and node_names(kind, data, wanted)]


def node_names(kind, data: dict, wanted: set) -> bool:
    """Whether a node names one of the ``wanted`` (kind, id) objects; numbers compare normalised."""
    for ref_kind, value in kind.references(data):
        if ref_kind == "number":
            try:
                value = normalise_phone(value)
            except ValidationError:
                continue
        if (ref_kind, value) in wanted:
            return True
    return False


def _in_directory(tenant_id: int, kind: str, obj_id: int) -> list[Message]:
    places = []
    if kind in ("user", "group"):
        column = models.MainNumber.target_user_id if kind == "user" else models.MainNumber.target_group_id
        code = "place.rings_user" if kind == "user" else "place.rings_group"
        places += [Message(code, number=n.number) for n in db.session.scalars(
            select(models.MainNumber).where(models.MainNumber.tenant_id == tenant_id, column == obj_id))]
    if kind == "user":
        places += _only_member_of(tenant_id, obj_id)
        places += [Message("place.only_recipient", name=box.name) for box in _boxes(tenant_id)
                   if [u.id for u in box.recipients] == [obj_id] and not box.extra_emails]
    if kind == "announcement":
        places += [Message("place.greeting", name=box.name) for box in _boxes(tenant_id) if box.greeting_id == obj_id]
        tenant = db.session.get(models.Tenant, tenant_id)
        if tenant is not None and tenant.recording_notice_id == obj_id:
            places.append(Message("place.recording_notice"))
        places += [Message("place.survey_prompt", name=survey.name) for survey in db.session.scalars(
            select(models.Survey).where(models.Survey.tenant_id == tenant_id).order_by(models.Survey.id))
            if obj_id in survey.prompt_ids]
    if kind == "box":
        places += _fallbacks_in(tenant_id, obj_id)
    return places


def _fallbacks_in(tenant_id: int, box_id: int) -> list[Message]:
    """Groups, main numbers and the company whose calls nobody answered end in the box."""
    groups = db.session.scalars(select(models.Group).where(
        models.Group.tenant_id == tenant_id, models.Group.fallback_box_id == box_id).order_by(models.Group.id))
    numbers = db.session.scalars(select(models.MainNumber).where(
        models.MainNumber.tenant_id == tenant_id, models.MainNumber.fallback_box_id == box_id).order_by(models.MainNumber.id))
    tenant = db.session.get(models.Tenant, tenant_id)
    return ([Message("place.group_fallback", name=group.name) for group in groups]
            + [Message("place.number_fallback", number=number.number) for number in numbers]
            + ([Message("place.company_fallback")] if tenant is not None and tenant.default_fallback_box_id == box_id
               else []))


def _only_member_of(tenant_id: int, user_id: int) -> list[Message]:
    """Groups in use whose only member is the user: deleting the user would leave callers ringing nobody."""
    places = []
    groups = db.session.scalars(select(models.Group).where(models.Group.tenant_id == tenant_id).order_by(models.Group.id))
    for group in groups:
        if [m.user_id for m in group.members] == [user_id]:
            used = references_to(tenant_id, "group", group.id)
            if used:
                places.append(Message("place.only_member", name=group.name, places=used))
    return places


def _boxes(tenant_id: int) -> list[models.VoicemailBox]:
    return db.session.scalars(select(models.VoicemailBox).where(models.VoicemailBox.tenant_id == tenant_id)
                              .order_by(models.VoicemailBox.id)).all()


# ---------------------------------------------------------------- diff

def _flatten(tree: dict) -> dict[str, dict]:
    """node id → {"parent": "<parent id>.<branch>", field: value ...} without the children."""
    return {str(data.get("id")): {"parent": path, **(kind.own_fields(data) if kind else dict(data))}
            for path, data, kind in walk((tree or {}).get("root"))}


class _Words:
    """Nodes by their names in the editor, branches by their labels, fields by their labels and the objects a
    field refers to by their names (``names(kind, id)``, the company's); what has no name shows as stored."""

    def __init__(self, before: dict, after: dict, names):
        self.before, self.after, self.names = before, after, names

    def node(self, node_id: str) -> str:
        """A node by its name now, else by the name it had, else by its id."""
        return str(self.after.get(node_id, {}).get("name") or self.before.get(node_id, {}).get("name") or node_id)

    def place(self, parent: str):
        if not parent:
            return Message("diff.top")
        node_id, _, branch = parent.rpartition(".")
        return Message("diff.branch_of", branch=branch_words(branch), node=self.node(node_id))

    def value(self, kind, key: str, value) -> str:
        field = kind.schema._declared_fields.get(key) if kind else None
        if isinstance(field, RefId) and isinstance(value, int):
            return self.names(field.ref, value) or json.dumps(value)
        if key == "target" and isinstance(value, dict) and len(value) == 1:  # a forward's user, group or number
            (ref, target), = value.items()
            return (self.names(ref, target) if ref in ("user", "group") and isinstance(target, int) else None) \
                or json.dumps(target, ensure_ascii=False)
        if isinstance(value, dict) and not any(value.values()):  # a menu's keys: the nodes under them have lines
            return ", ".join(value) or "—"
        return json.dumps(value, ensure_ascii=False, sort_keys=True)


def diff(old: dict, new: dict, names=lambda kind, obj_id: None) -> list[Message]:
    """Node-level changes from ``old`` to ``new`` in words, one line each, in a stable order; ``names(kind, id)``
    names a directory object a field refers to."""
    before, after = _flatten(old), _flatten(new)
    words = _Words(before, after, names)
    lines = [Message("diff.added", kind=KINDS.get(after[i].get("kind"), after[i].get("kind")), node=words.node(i),
                     place=words.place(after[i]["parent"])) for i in after if i not in before]
    lines += [Message("diff.removed", kind=KINDS.get(before[i].get("kind"), before[i].get("kind")),
                      node=words.node(i)) for i in before if i not in after]
    for node_id in (i for i in after if i in before):
        a, b = before[node_id], after[node_id]
        kind, node = kind_of(str(b.get("kind"))), words.node(node_id)
        for key in sorted(set(a) | set(b)):
            if a.get(key) == b.get(key):
                continue
            if key == "parent":
                lines.append(Message("diff.moved", node=node, old=words.place(a[key]), new=words.place(b[key])))
            elif key not in a:
                lines.append(Message("diff.set", node=node, field=key, new=words.value(kind, key, b[key])))
            elif key not in b:
                lines.append(Message("diff.unset", node=node, field=key, old=words.value(kind, key, a[key])))
            else:
                lines.append(Message("diff.changed", node=node, field=key, old=words.value(kind, key, a[key]),
                                     new=words.value(kind, key, b[key])))
    return lines
