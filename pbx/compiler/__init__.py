"""Scenario compiler: parse → validate → lint → lower → emit, and the documents the endpoint serves.
It reads no database: ``pbx.company_dialplan`` loads what it compiles.

    compile_tree(tree, snapshot, *, scenario_id, version_id, main_number_id) -> Compiled
    tenant_build(snapshot, published) -> TenantBuild   # context tenant_<id> and the company's queues
    tenant_queues(snapshot, published) -> list[dict]   # the queues alone
    public_entry(tenant_id, main_number_id, number, context, contacts, users) -> Entry
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from lxml import etree

from pbx.compiler import emit, hunts, lint, lower, parse, validate
from pbx.compiler.errors import ScenarioInvalid
from pbx.compiler.internal import caller_names, group_queues, internal_extensions, override
from pbx.compiler.ondemand import ondemand_extensions
from pbx.compiler.transfers import transfer_extensions
from pbx.dialplan import dialing, ir
from pbx.dialplan.snapshot import DirectorySnapshot
from pbx.nodes import kind_of
from pbx.nodes.base import Problem
from pbx.tenancy import missing

log = logging.getLogger(__name__)

__all__ = ["Compiled", "Entry", "Published", "ScenarioInvalid", "TenantBuild", "compile_tree", "public_entry",
           "tenant_build", "tenant_queues"]


@dataclass
class Compiled:
    xml: bytes
    meta: dict
    warnings: list[Problem] = field(default_factory=list)


def compile_tree(tree: dict, snapshot, *, scenario_id: int, version_id: int, main_number_id: int) -> Compiled:
    """Compile one scenario tree against a directory snapshot; raises ScenarioInvalid with every error."""
    root, low, extensions = _lowered(tree, snapshot, scenario_id, version_id, main_number_id)
    xml = emit.emit(snapshot.context, extensions)
    return Compiled(xml, _meta(root, low, main_number_id), lint.lint(root, snapshot))


def _lowered(tree, snapshot, scenario_id, version_id, main_number_id):
    root = parse.parse(tree)
    errors = validate.validate(root, snapshot)
    if main_number_id not in snapshot.main_numbers:
        errors.append(Problem("scenario", missing("MainNumber", [main_number_id])))
    if errors:
        raise ScenarioInvalid(errors)
    low = lower.Lowering(snapshot, scenario_id=scenario_id, version_id=version_id, main_number_id=main_number_id)
    return root, low, override(snapshot, main_number_id, low.call_start(), _closed(root, low)) + lower.lower(root, low)


def _closed(root, low) -> list:
    """An override's "closed": the closed branch of the scenario's first schedule."""
    schedule = next((node for node in root.walk() if node.kind == "schedule"), None)
    return [*low.enter(schedule, "closed"), *low.follow(schedule, "closed")] if schedule else []


def _meta(root, low, main_number_id) -> dict:
    return {
        "entry": f"main_{main_number_id}",
        "queues": sorted(low.queues, key=lambda q: q["name"]),
        "asks": low.asks,
        "prompts": sorted(low.prompts),
        "nodes": {n.id: {"kind": n.kind, "label": kind_of(n.kind).describe(n)} for n in root.walk()},
    }


@dataclass(frozen=True)
class Published:
    """A published scenario version, as the database holds it."""
    scenario_id: int
    scenario_name: str
    main_number_id: int
    version_id: int
    version_number: int
    tree: dict
    compiled_xml: str
    compiled_meta: dict | None


@dataclass
class TenantBuild:
    document: bytes
    queues: list[dict]  # contract shape, sorted by name
    gates: list[str | None]  # per extension of the document, in order (pbx.compiler.hunts)
    asks: dict[str, dict] = field(default_factory=dict)  # by `ASK` destination (pbx.nodes.server)


def tenant_build(snap: DirectorySnapshot, published: list[Published]) -> TenantBuild:
    """The company's dialplan document (every published tree against today's directory) and its queues.

    A version whose tree no longer compiles is served as it was published (see ``_live``).
    """
    live = [_live(version, snap) for version in published]
    with_scenario = {version.main_number_id for version in published}
    extensions = ([e for scenario in live for e in scenario.extensions]
                  + internal_extensions(snap, with_scenario) + transfer_extensions(snap)
                  + ondemand_extensions(snap))
    asks = {ask["ask"]: ask for scenario in live for ask in scenario.asks}
    return TenantBuild(emit.document(snap.context, extensions), _queues(snap, live), hunts.gates(extensions), asks)


def tenant_queues(snap: DirectorySnapshot, published: list[Published]) -> list[dict]:
    """The company's queues alone, as ``tenant_build`` gives them, without writing its dialplan."""
    return _queues(snap, [_live(version, snap) for version in published])


def _queues(snap, live: list) -> list[dict]:
    return sorted(group_queues(snap) + [q for scenario in live for q in scenario.queues], key=lambda q: q["name"])


@dataclass
class _Live:
    extensions: list  # IR extensions, or stored <extension> elements
    queues: list[dict]
    asks: list[dict] = field(default_factory=list)


def _live(version: Published, snap) -> _Live:
    """A published version against today's directory; the stored compile when that fails.

    Directory edits (members, phones, lists) apply without a republish. When the tree no longer
    compiles (an object it needs changed so it cannot be used), calls keep the published dialplan.
    """
    try:
        _, low, extensions = _lowered(version.tree, snap, version.scenario_id, version.version_id,
                                      version.main_number_id)
        return _Live(extensions, low.queues, low.asks)
    except ScenarioInvalid as error:
        log.warning("company %s, scenario %s (%s), version %s no longer compiles against today's directory; "
                    "serving it as published: %s", snap.tenant_id, version.scenario_id, version.scenario_name,
                    version.version_number, error)
    except Exception:  # a 500 would send FreeSWITCH to another binding: serve what was published
        log.exception("company %s, scenario %s (%s), version %s failed to compile; serving it as published",
                      snap.tenant_id, version.scenario_id, version.scenario_name, version.version_number)
    meta = version.compiled_meta or {}
    return _Live(_stored_extensions(version, snap.context), list(meta.get("queues", [])), list(meta.get("asks", [])))


def _stored_extensions(version: Published, context: str) -> list:
    root = etree.fromstring(version.compiled_xml.encode(), etree.XMLParser(resolve_entities=False, no_network=True))
    return list(root.iterfind(f"section/context[@name='{context}']/extension"))


@dataclass
class Entry:
    """A main number's document for the carrier's first hunt, and the callers' names the endpoint
    sets in it, one per call (``caller_names``; neutralised, by ``dialing.caller_key``)."""
    document: bytes
    names: dict[str, str] = field(default_factory=dict)


def public_entry(tenant_id: int, main_number_id: int, number: str, context: str = "public",
                 contacts=(), users=()) -> Entry:
    """The document for the carrier's first hunt: on to `main_<id>` in the tenant context.

    It keeps the number the carrier dialled (the switch's own `destination_number`, which the
    transfer renames, and `Caller-RDNIS` with it at every later transfer) for the call record.
    The names of callers who are the company's ``contacts`` (ContactInfo) or ``users`` (UserInfo)
    come beside it, not in it: the document is the same for every caller.
    """
    dialled = f"^{dialing.number_regex(number)}"
    extension = ir.Extension(f"main_{main_number_id}", [ir.Condition(
        "destination_number", dialled,
        actions=[ir.Action("export", "centralka_dialled=${destination_number}"),
                 ir.Action("transfer", f"main_{main_number_id} XML tenant_{tenant_id}")])])
    return Entry(emit.emit(context, [extension]), caller_names(contacts, users))
