"""Scenario compiler: parse → validate → lint → lower → emit, and the documents the endpoint serves.

    compile_tree(tree, snapshot, *, scenario_id, version_id, main_number_id) -> Compiled
    tenant_document(tenant_id) -> bytes          # context tenant_<id>: published trees × today's directory
    tenant_build(tenant_id) -> TenantBuild       # that document and the tenant's queues, in one pass
    tenant_queues(tenant_id) -> list[dict]       # the queues alone
    public_entry(tenant_id, main_number_id, context="public") -> bytes
    callcenter_queues() -> list[dict]            # queues of every published tree and longest-idle group
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from lxml import etree
from sqlalchemy import select

from pbx import models
from pbx.compiler.errors import ScenarioInvalid
from pbx.compiler.snapshot import snapshot_of
from pbx.extensions import db
from pbx.nodes.base import Problem

log = logging.getLogger(__name__)
# The passes (parse, validate, lint, lower, emit) are imported where they run: they import the
# node kinds, and the node kinds import this package's IR, so loading them here would be a circle.

__all__ = ["Compiled", "ScenarioInvalid", "TenantBuild", "callcenter_queues", "compile_tree", "public_entry",
           "tenant_build", "tenant_document", "tenant_queues"]


@dataclass
class Compiled:
    xml: bytes
    meta: dict
    warnings: list[Problem] = field(default_factory=list)


def compile_tree(tree: dict, snapshot, *, scenario_id: int, version_id: int, main_number_id: int) -> Compiled:
    """Compile one scenario tree against a directory snapshot; raises ScenarioInvalid with every error."""
    from pbx.compiler import emit, lint

    root, low, extensions = _lowered(tree, snapshot, scenario_id, version_id, main_number_id)
    xml = emit.emit(snapshot.context, extensions)
    return Compiled(xml, _meta(root, low, main_number_id), lint.lint(root, snapshot))


def _lowered(tree, snapshot, scenario_id, version_id, main_number_id):
    from pbx.compiler import lower, parse, validate

    root = parse.parse(tree)
    errors = validate.validate(root, snapshot)
    if main_number_id not in snapshot.main_numbers:
        errors.append(Problem("scenario", f"main number {main_number_id} does not exist in this company"))
    if errors:
        raise ScenarioInvalid(errors)
    low = lower.Lowering(snapshot, scenario_id=scenario_id, version_id=version_id, main_number_id=main_number_id)
    return root, low, lower.lower(root, low)


def _meta(root, low, main_number_id) -> dict:
    from pbx.nodes import kind_of

    return {
        "entry": f"main_{main_number_id}",
        "queues": sorted(low.queues, key=lambda q: q["name"]),
        "prompts": sorted(low.prompts),
        "nodes": {n.id: {"kind": n.kind, "label": kind_of(n.kind).describe(n)} for n in root.walk()},
    }


@dataclass
class TenantBuild:
    document: bytes
    queues: list[dict]  # contract shape, sorted by name


def tenant_document(tenant_id: int) -> bytes:
    """The whole dialplan context of a tenant: every published tree compiled against today's directory.

    A version whose tree no longer compiles is served as it was published (see ``_live``).
    """
    return tenant_build(tenant_id).document


def tenant_build(tenant_id: int) -> TenantBuild:
    """The tenant's dialplan document and its queues (longest-idle groups, published trees)."""
    from pbx.compiler import emit
    from pbx.compiler.internal import internal_extensions

    snap, versions, live = _live_tenant(tenant_id)
    with_scenario = {scenario.main_number_id for scenario, _ in versions}
    document = emit.document(snap.context, [e for scenario in live for e in scenario.extensions]
                             + internal_extensions(snap, with_scenario))
    return TenantBuild(document, _queues(snap, live))


def tenant_queues(tenant_id: int) -> list[dict]:
    """The tenant's queues alone, as ``tenant_build`` gives them, without writing its dialplan."""
    snap, _, live = _live_tenant(tenant_id)
    return _queues(snap, live)


def _live_tenant(tenant_id: int):
    tenant, versions = _published(tenant_id)
    snap = snapshot_of(tenant)
    return snap, versions, [_live(scenario, version, snap) for scenario, version in versions]


def _queues(snap, live: list) -> list[dict]:
    from pbx.compiler.internal import group_queues

    return sorted(group_queues(snap) + [q for scenario in live for q in scenario.queues], key=lambda q: q["name"])


@dataclass
class _Live:
    extensions: list  # IR extensions, or stored <extension> elements
    queues: list[dict]


def _live(scenario, version, snap) -> _Live:
    """A published version against today's directory; the stored compile when that fails.

    Directory edits (members, phones, lists) apply without a republish. When the tree no longer
    compiles (an object it needs changed so it cannot be used), calls keep the published dialplan.
    """
    try:
        _, low, extensions = _lowered(version.tree, snap, scenario.id, version.id, scenario.main_number_id)
        return _Live(extensions, low.queues)
    except ScenarioInvalid as error:
        log.warning("company %s, scenario %s (%s), version %s no longer compiles against today's directory; "
                    "serving it as published: %s", snap.tenant_id, scenario.id, scenario.name, version.number, error)
    except Exception:  # a 500 would send FreeSWITCH to another binding: serve what was published
        log.exception("company %s, scenario %s (%s), version %s failed to compile; serving it as published",
                      snap.tenant_id, scenario.id, scenario.name, version.number)
    return _Live(_stored_extensions(version, snap.context), list((version.compiled_meta or {}).get("queues", [])))


def _stored_extensions(version, context: str) -> list:
    root = etree.fromstring(version.compiled_xml.encode(), etree.XMLParser(resolve_entities=False, no_network=True))
    return list(root.iterfind(f"section/context[@name='{context}']/extension"))


def public_entry(tenant_id: int, main_number_id: int, context: str = "public") -> bytes:
    """The one-extension document for the carrier's first hunt: on to `main_<id>` in the tenant context."""
    from pbx.compiler import dialing, emit, ir

    number = db.session.get(models.MainNumber, main_number_id)
    if number is None or number.tenant_id != int(tenant_id):
        raise LookupError(f"main number {main_number_id} is not a number of company {tenant_id}")
    extension = ir.Extension(f"main_{number.id}", [ir.Condition(
        "destination_number", f"^{dialing.number_regex(number.number)}",
        actions=[ir.Action("transfer", f"main_{number.id} XML tenant_{number.tenant_id}")])])
    return emit.emit(context, [extension])


def callcenter_queues() -> list[dict]:
    """Queue definitions (contract shape) of every tenant: published scenarios against today's
    directory, and the queues of longest-idle groups reached by extension or main number."""
    tenants = db.session.scalars(select(models.Tenant.id).order_by(models.Tenant.id)).all()
    return sorted((queue for tenant_id in tenants for queue in tenant_queues(tenant_id)), key=lambda q: q["name"])


def _published(tenant_id: int):
    tenant = db.session.get(models.Tenant, int(tenant_id))
    if tenant is None:
        raise LookupError(f"no company with id {tenant_id}")
    query = (select(models.Scenario, models.ScenarioVersion)
             .join(models.ScenarioVersion, models.Scenario.published_version_id == models.ScenarioVersion.id)
             .where(models.Scenario.tenant_id == tenant.id).order_by(models.Scenario.id))
    return tenant, db.session.execute(query).all()
