"""Every place that uses a directory object, as facts the panel puts into words before a change.

Unlike ``pbx.scenarios.references_to`` (what refuses a deletion) this also lists what a
deletion would quietly change: a user's groups and the live routes that ring those groups.
Each place names objects by their names, never by ids; ``text`` is the English sentence.
"""
from __future__ import annotations

from sqlalchemy import select

from pbx import models
from pbx.extensions import db
from pbx.nodes.walk import walk
from pbx.scenarios import REFERENCE_KINDS, node_names, wanted_refs

_KIND_MODELS = {"user": models.User, "group": models.Group, "box": models.VoicemailBox,
                "announcement": models.Announcement, "list": models.NumberList, "main_number": models.MainNumber,
                "survey": models.Survey}


def usages(tenant_id: int, kind: str, obj_id: int) -> list[dict]:
    """Scenario nodes (published and draft), numbers, groups, boxes and fallbacks using the object."""
    if kind not in REFERENCE_KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    places = in_scenarios(tenant_id, kind, obj_id) + _numbers(tenant_id, kind, obj_id)
    if kind == "user":
        places += _groups_of(tenant_id, obj_id) + _recipient_of(tenant_id, obj_id)
    if kind == "box":
        places += _fallback_of(tenant_id, obj_id)
    if kind == "announcement":
        places += [_place("box", f"voicemail box {b.name}: its greeting", name=b.name, role="greeting")
                   for b in _scoped(models.VoicemailBox, tenant_id) if b.greeting_id == obj_id]
        if db.session.get(models.Tenant, tenant_id).recording_notice_id == obj_id:
            places.append(_place("company", "the company's recording notice", role="recording_notice"))
        places += [_place("survey", f"survey {s.name}: its questions or comment", name=s.name, role="prompt")
                   for s in _scoped(models.Survey, tenant_id) if obj_id in s.prompt_ids]
    return places


def _place(where: str, text: str, **facts) -> dict:
    return {"where": where, "text": text, **facts}


def _scoped(model, tenant_id: int):
    return db.session.scalars(select(model).where(model.tenant_id == tenant_id).order_by(model.id)).all()


def in_scenarios(tenant_id: int, kind: str, obj_id: int) -> list[dict]:
    """Nodes of live versions and drafts naming the object; a node in both is one place."""
    wanted = wanted_refs(tenant_id, kind, obj_id)
    places: dict[tuple, dict] = {}
    for scenario in _scoped(models.Scenario, tenant_id):
        live = scenario.published_version
        trees = ([("published", live.tree)] if live else []) + [("draft", scenario.draft)]
        for state, tree in trees:
            for route in _routes(tree, wanted):
                key = (scenario.id, tuple((s["kind"], s["name"], s["branch"]) for s in route))
                place = places.setdefault(key, _scenario_place(scenario, route, live))
                place["states"].append(state)
    return list(places.values())


def _scenario_place(scenario: models.Scenario, route: list[dict], live) -> dict:
    steps = " → ".join(f"{s['kind']} {s['name']!r}" + (f" {s['branch']}" if s["branch"] else "") for s in route)
    number = scenario.main_number.number
    return _place("scenario", f"{steps} (scenario of number {number})", number=number,
                  scenario=scenario.name or "", version=live.number if live else None, route=route, states=[])


def _routes(tree, wanted: set) -> list[list[dict]]:
    """For each node naming a wanted object: its way from the top, the branches taken that choose."""
    parents: dict[str, tuple[str, str]] = {}
    nodes, found = {}, []
    for path, data, kind in walk((tree or {}).get("root")):
        node_id = str(data.get("id"))
        nodes[node_id] = data
        if path:
            parents[node_id] = tuple(path.rsplit(".", 1))
        if kind is not None and node_names(kind, data, wanted):
            found.append(node_id)
    return [_way(node_id, parents, nodes) for node_id in found]


def _way(node_id: str, parents: dict, nodes: dict) -> list[dict]:
    steps = [_step(nodes[node_id], "")]
    seen = {node_id}
    while node_id in parents:
        node_id, branch = parents[node_id]
        if node_id in seen:
            break
        seen.add(node_id)
        if branch != "next":  # "then" says nothing about the way a call takes
            steps.append(_step(nodes[node_id], branch))
    return steps[::-1]


def _step(data: dict, branch: str) -> dict:
    return {"kind": str(data.get("kind", "")), "name": str(data.get("name") or data.get("id")), "branch": branch}


def _numbers(tenant_id: int, kind: str, obj_id: int) -> list[dict]:
    columns = {"user": [("target", models.MainNumber.target_user_id)],
               "group": [("target", models.MainNumber.target_group_id)],
               "box": [("fallback", models.MainNumber.fallback_box_id)]}.get(kind, [])
    return [_place("main_number", f"main number {n.number}: its {role}", number=n.number, role=role)
            for role, column in columns
            for n in db.session.scalars(select(models.MainNumber).where(
                models.MainNumber.tenant_id == tenant_id, column == obj_id).order_by(models.MainNumber.id))]


def _groups_of(tenant_id: int, user_id: int) -> list[dict]:
    """The user's groups, each with the places that ring the group: they stop ringing the user."""
    places = []
    for group in _scoped(models.Group, tenant_id):
        if any(m.user_id == user_id for m in group.members):
            through = in_scenarios(tenant_id, "group", group.id) + _numbers(tenant_id, "group", group.id)
            only = [m.user_id for m in group.members] == [user_id]
            text = f"group {group.name}: {'its only member' if only else 'a member'}"
            places.append(_place("group", text, name=group.name, role="only_member" if only else "member",
                                 through=through))
    return places


def _recipient_of(tenant_id: int, user_id: int) -> list[dict]:
    return [_place("box", f"voicemail box {b.name}: a recipient", name=b.name, role="recipient")
            for b in _scoped(models.VoicemailBox, tenant_id) if any(u.id == user_id for u in b.recipients)]


def _fallback_of(tenant_id: int, box_id: int) -> list[dict]:
    places = [_place("group", f"group {g.name}: its fallback", name=g.name, role="fallback")
              for g in _scoped(models.Group, tenant_id) if g.fallback_box_id == box_id]
    tenant = db.session.get(models.Tenant, tenant_id)
    if tenant.default_fallback_box_id == box_id:
        places.append(_place("company", "the company's default fallback", role="fallback"))
    return places


def model_of(kind: str):
    return _KIND_MODELS[kind]
