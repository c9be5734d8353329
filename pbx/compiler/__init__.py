"""Scenario compiler: parse → validate → lint → lower → emit, and the documents the endpoint serves.

    compile_tree(tree, snapshot, *, scenario_id, version_id, main_number_id) -> Compiled
    tenant_document(tenant_id) -> bytes          # context tenant_<id>: every published scenario + directory
    public_entry(tenant_id, main_number_id, context="public") -> bytes
    callcenter_queues() -> list[dict]            # queues of every published version
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pbx.compiler.errors import ScenarioInvalid
from pbx.nodes.base import Problem

__all__ = ["Compiled", "ScenarioInvalid", "callcenter_queues", "compile_tree", "public_entry", "tenant_document"]


@dataclass
class Compiled:
    xml: bytes
    meta: dict
    warnings: list[Problem] = field(default_factory=list)


def compile_tree(tree: dict, snapshot, *, scenario_id: int, version_id: int, main_number_id: int) -> Compiled:
    """Compile one scenario tree against a directory snapshot; raises ScenarioInvalid with every error."""
    from pbx.compiler import emit, lint, lower, parse, validate
    from pbx.nodes import kind_of

    root = parse.parse(tree)
    errors = validate.validate(root, snapshot)
    if main_number_id not in snapshot.main_numbers:
        errors.append(Problem("scenario", f"main number {main_number_id} does not exist in this company"))
    if errors:
        raise ScenarioInvalid(errors)
    low = lower.Lowering(snapshot, scenario_id=scenario_id, version_id=version_id, main_number_id=main_number_id)
    xml = emit.emit(snapshot.context, lower.lower(root, low))
    meta = {
        "entry": f"main_{main_number_id}",
        "queues": sorted(low.queues, key=lambda q: q["name"]),
        "prompts": sorted(low.prompts),
        "nodes": {n.id: {"kind": n.kind, "label": kind_of(n.kind).describe(n)} for n in root.walk()},
    }
    return Compiled(xml, meta, lint.lint(root, snapshot))


def tenant_document(tenant_id: int) -> bytes:
    """The whole dialplan context of a tenant: published scenarios (as stored) + directory extensions."""
    from lxml import etree

    from pbx.compiler import emit
    from pbx.compiler.internal import internal_extensions
    from pbx.compiler.snapshot import snapshot_of

    tenant, versions = _published(tenant_id)
    snap = snapshot_of(tenant)
    stored = []
    for scenario, version in versions:
        root = etree.fromstring(version.compiled_xml.encode(), etree.XMLParser(resolve_entities=False, no_network=True))
        stored.extend(root.iterfind(f"section/context[@name='{snap.context}']/extension"))
    with_scenario = {scenario.main_number_id for scenario, _ in versions}
    return emit.document(emit.context_element(snap.context, stored + internal_extensions(snap, with_scenario)))


def public_entry(tenant_id: int, main_number_id: int, context: str = "public") -> bytes:
    """The one-extension document for the carrier's first hunt: on to `main_<id>` in the tenant context."""
    from pbx import models
    from pbx.compiler import dialing, emit, ir
    from pbx.extensions import db

    number = db.session.get(models.MainNumber, main_number_id)
    if number is None or number.tenant_id != int(tenant_id):
        raise LookupError(f"main number {main_number_id} is not a number of company {tenant_id}")
    extension = ir.Extension(f"main_{number.id}", [ir.Condition(
        "destination_number", f"^{dialing.number_regex(number.number)}",
        actions=[ir.Action("transfer", f"main_{number.id} XML tenant_{number.tenant_id}")])])
    return emit.emit(context, [extension])


def callcenter_queues() -> list[dict]:
    """Queue definitions (contract shape) of the published version of every scenario of every tenant."""
    from sqlalchemy import select

    from pbx import models
    from pbx.extensions import db

    query = (select(models.ScenarioVersion)
             .join(models.Scenario, models.Scenario.published_version_id == models.ScenarioVersion.id)
             .order_by(models.ScenarioVersion.id))
    queues = [q for version in db.session.scalars(query) for q in (version.compiled_meta or {}).get("queues", [])]
    return sorted(queues, key=lambda q: q["name"])


def _published(tenant_id: int):
    from sqlalchemy import select

    from pbx import models
    from pbx.extensions import db

    tenant = db.session.get(models.Tenant, int(tenant_id))
    if tenant is None:
        raise LookupError(f"no company with id {tenant_id}")
    query = (select(models.Scenario, models.ScenarioVersion)
             .join(models.ScenarioVersion, models.Scenario.published_version_id == models.ScenarioVersion.id)
             .where(models.Scenario.tenant_id == tenant.id).order_by(models.Scenario.id))
    return tenant, db.session.execute(query).all()
