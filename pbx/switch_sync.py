"""Brings every FreeSWITCH in ESL_SERVERS in line with the published configuration, at run time.

With several switches each gets only the companies whose calls land on it (pbx.switch_homes:
where Kamailio sends their phones and their numbers' calls); while a switch is down its companies
go to the next one, as in Kamailio, and when it is back they return (queues still holding callers
stay until they empty).

mod_callcenter reads ``callcenter.conf`` only when it loads, and ``reload mod_callcenter`` would
drop every caller waiting in a queue. So the queues, agents and tiers the switch has are read
with ``callcenter_config ... list``, compared as data with what the endpoint serves (each
company's queues, compiled with its dialplan once per revision: ``Configuration.queues()``)
and corrected one runtime command at a time. Only names of our scheme (``t<tenant>_...@default``) are touched.

``queue load`` / ``queue reload`` make mod_callcenter fetch the document and import every agent
and tier it names (mod_callcenter.c ``load_queue``), so agents and tiers are read again after
them. A queue that is no longer published is unloaded only once nobody waits in it.

Directory users are served with ``cacheable``: after a company's configuration changes, its users
are flushed from the switch's cache (``xml_flush_cache id <extension> <domain>``).

Runs as the huey task ``sync_switch`` (debounced after commits that bump a dialplan revision),
every 5 minutes, on ``centralka switch sync`` and when the listener (re)connects
(``sync_switch_now``). Commands are idempotent: a second run against an unchanged switch sends
nothing but the list commands.
"""
from __future__ import annotations

import contextlib
import logging
import re
import threading
import weakref
from dataclasses import dataclass, field

from huey import crontab
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from pbx import models, switch_status
from pbx.esl.client import ESLError, connect, parse_servers
from pbx.extensions import db
from pbx.recordings import ensure_tenant_folders
from pbx.switch_homes import company_home
from pbx.tasks import BROKER_ERRORS, app_context, huey
from pbx.tenancy import sip_domain
from xml_curl.configuration import callcenter_content

log = logging.getLogger(__name__)

OURS = re.compile(r"t[0-9]+_(?:s[0-9]+_[a-z][a-z0-9_]*|g[0-9]+)(?:_u[0-9]+)?@default")
# mod_callcenter splits its arguments on spaces, honours '...' and backslash escapes
# (switch_separate_string); ESL ends a command at a newline. Our dial strings are built from
# digits, extensions and ids: anything else is refused rather than escaped.
SAFE_CONTACT = re.compile(r"[A-Za-z0-9_.,=@/:+\[\]{}-]+")
SAFE_USER = re.compile(r"[0-9]{2,6}")
SAFE_DOMAIN = re.compile(r"[A-Za-z0-9.-]+")

CC = "callcenter_config"
# What `agent add` leaves (mod_callcenter.c cc_agent_add); status last, so an agent is
# Available only once it has its contact.
FRESH_AGENT = {"type": "callback", "contact": "", "max_no_answer": "0", "wrap_up_time": "0",
               "reject_delay_time": "0", "busy_delay_time": "0", "no_answer_delay_time": "0",
               "status": "Logged Out"}
TIER_FIELDS = ("level", "position", "state")
READY = "Ready"

CONNECT_TIMEOUT = 5.0
# `queue load` waits for mod_xml_curl to fetch callcenter.conf (its own timeout is 3 s).
COMMAND_TIMEOUT = 10.0
DEBOUNCE_SECONDS = 1
DUE_KEY = "switch-sync-due"
RETRIES, RETRY_DELAY, RETRY_BACKOFF = 8, 5, 2  # 5 s, 10 s ... 640 s; then the 5-minute sync


class SwitchError(Exception):
    """The switch answered something we cannot read (mod_callcenter not loaded, ...)."""


class SwitchSyncFailed(Exception):
    """Some switch is unreachable or refused a command; the task is retried."""


# ---------------------------------------------------------------- reading the switch

def parse_list(text: str, free_column: str | None = None) -> list[dict[str, str]]:
    """Rows of a ``callcenter_config ... list`` reply: a ``|`` header, rows, then ``+OK``.

    An empty table has no header at all. A value holding ``|`` (a foreign agent's sequential dial
    string) gives a row too long; its extra fields belong to ``free_column``.
    """
    lines = text.rstrip("\n").split("\n")
    if lines[-1] != "+OK":
        raise SwitchError(f"unexpected reply: {text.strip()[:200]!r}")
    if len(lines) == 1:
        return []
    header, rows = lines[0].split("|"), []
    for line in lines[1:-1]:
        fields = line.split("|")
        if len(fields) > len(header) and free_column in header:
            at, extra = header.index(free_column), len(fields) - len(header)
            fields[at:at + extra + 1] = ["|".join(fields[at:at + extra + 1])]
        if len(fields) != len(header):
            raise SwitchError(f"row does not match the header {header[:3]}...: {line[:200]!r}")
        rows.append(dict(zip(header, fields)))
    return rows


def _columns(rows: list[dict], needed: tuple[str, ...]) -> list[dict]:
    if rows and not set(needed) <= rows[0].keys():
        raise SwitchError(f"reply lacks the columns {sorted(set(needed) - rows[0].keys())}")
    return rows


def queues_of(text: str) -> dict[str, dict]:
    rows = _columns(parse_list(text, "moh_sound"), ("name", "strategy"))
    return {row["name"]: row for row in rows if OURS.fullmatch(row["name"])}


def agents_of(text: str) -> dict[str, dict]:
    rows = _columns(parse_list(text, "contact"), ("name", "contact", "status"))
    return {row["name"]: row for row in rows if OURS.fullmatch(row["name"])}


def tiers_of(text: str) -> dict[tuple[str, str], dict]:
    rows = _columns(parse_list(text), ("queue", "agent", *TIER_FIELDS))
    return {(row["queue"], row["agent"]): row for row in rows
            if OURS.fullmatch(row["queue"]) and OURS.fullmatch(row["agent"])}


# ---------------------------------------------------------------- what the switch should have

@dataclass
class Callcenter:
    """mod_callcenter's content as column values: queues and agents by name, tiers by (queue, agent)."""

    queues: dict[str, dict] = field(default_factory=dict)
    agents: dict[str, dict] = field(default_factory=dict)
    tiers: dict[tuple[str, str], dict] = field(default_factory=dict)


def desired_callcenter(app) -> Callcenter:
    """What mod_callcenter loads from the callcenter.conf ``app``'s endpoint serves, in its list's column
    names: each company's queues as the endpoint keeps them (compiled once per revision), as data."""
    content = callcenter_content(app.extensions["xml_curl"].sections["configuration"].queues())
    wanted = Callcenter(
        queues={name: _column_names(values) for name, values in content.queues.items()},
        agents={name: _column_names(values) for name, values in content.agents.items()},
        tiers={key: {**values, "state": READY} for key, values in content.tiers.items()})
    return _refuse_unsafe(wanted)


def _column_names(values: dict[str, str]) -> dict[str, str]:
    return {name.replace("-", "_"): value for name, value in values.items()}


def _refuse_unsafe(wanted: Callcenter) -> Callcenter:
    """Drop (and log) anything that is not ours or could not pass through mod_callcenter's tokenizer."""
    for name in [n for n in wanted.queues if not OURS.fullmatch(n)]:
        log.error("switch sync: queue %r is not of our name scheme; not sent", name)
        del wanted.queues[name]
    for name, agent in list(wanted.agents.items()):
        if not OURS.fullmatch(name) or not SAFE_CONTACT.fullmatch(agent.get("contact") or ""):
            log.error("switch sync: agent %r with contact %r refused (unsafe name or contact)", name, agent.get("contact"))
            del wanted.agents[name]
    wanted.tiers = {key: tier for key, tier in wanted.tiers.items()
                    if key[0] in wanted.queues and key[1] in wanted.agents}
    return wanted


# ---------------------------------------------------------------- talking to one switch

@dataclass
class Report:
    server: str
    commands: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # removed queues kept while callers wait
    unreachable: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and self.unreachable is None


class _Switch:
    """One connection: list commands always run; changes are recorded, and sent unless dry."""

    def __init__(self, client, report: Report, dry_run: bool):
        self.client, self.report, self.dry_run = client, report, dry_run

    def read(self, command: str) -> str:
        return self.client.api(command, timeout=COMMAND_TIMEOUT)

    def change(self, command: str) -> bool:
        self.report.commands.append(command)
        if self.dry_run:
            return True
        reply = self.read(command).strip()
        if not reply.startswith("+OK"):
            self.report.errors.append(f"{command}: {reply}")
            log.error("switch %s refused %r: %s", self.report.server, command, reply)
            return False
        return True

    def queues(self) -> dict[str, dict]:
        return queues_of(self.read(f"{CC} queue list"))

    def waiting(self, queue: str) -> int:
        reply = self.read(f"{CC} queue count members {queue}").strip()
        if not reply.isdigit():
            raise SwitchError(f"unexpected member count for {queue}: {reply[:200]!r}")
        return int(reply)


def sync_queues(switch: _Switch, wanted: Callcenter) -> set[str]:
    """Load new queues, reload changed ones, unload removed ones nobody waits in; returns those kept."""
    current = switch.queues()
    present = dict(current)
    for name in sorted(wanted.queues.keys() - current.keys()):
        if name not in present:  # one load brings in every queue the document's tiers name
            switch.change(f"{CC} queue load {name}")
            present = present if switch.dry_run else switch.queues()
    for name in sorted(wanted.queues.keys() & current.keys()):
        have, want = current[name], wanted.queues[name]
        if any(have[key] != value for key, value in want.items() if key in have):
            switch.change(f"{CC} queue reload {name}")
    kept = set()
    for name in sorted(current.keys() - wanted.queues.keys()):
        if switch.waiting(name):
            kept.add(name)
            switch.report.waiting.append(name)
        else:
            switch.change(f"{CC} queue unload {name}")
    return kept


def agent_changes(name: str, have: dict, want: dict) -> list[str]:
    """What brings an agent in line; its status only when it is new: after that the status (logged out
    of the queue, on a break) is the reception page's to set."""
    commands = []
    if have.get("type", "").lower() != want["type"].lower():
        commands.append(f"{CC} agent set type {name} {want['type']}")
    left = {"type"} if have is FRESH_AGENT else {"type", "status"}
    for key in FRESH_AGENT:
        if key not in left and key in want and have.get(key) != want[key]:
            commands.append(f"{CC} agent set {key} {name} {want[key]}")
    return commands


def sync_agents_and_tiers(switch: _Switch, wanted: Callcenter, kept_queues: set[str]) -> None:
    """Read after the queue loads (they import agents and tiers), then add, correct and remove."""
    agents = agents_of(switch.read(f"{CC} agent list"))
    tiers = tiers_of(switch.read(f"{CC} tier list"))
    for name, want in sorted(wanted.agents.items()):
        have = agents.get(name)
        if have is None and not switch.change(f"{CC} agent add {name} {want['type']}"):
            continue
        for command in agent_changes(name, have or FRESH_AGENT, want):
            switch.change(command)
    for (queue, agent), want in sorted(wanted.tiers.items()):
        have = tiers.get((queue, agent))
        if have is None:
            switch.change(f"{CC} tier add {queue} {agent} {want['level']} {want['position']}")
            have = {"level": want["level"], "position": want["position"], "state": READY}
        for key in TIER_FIELDS:
            if have[key] != want[key]:
                switch.change(f"{CC} tier set {key} {queue} {agent} {want[key]}")
    _remove_agents_and_tiers(switch, wanted, agents, tiers, kept_queues)


def _remove_agents_and_tiers(switch, wanted, agents, tiers, kept_queues) -> None:
    # Agents of a queue kept for its waiting callers stay; `agent del` also deletes the agent's tiers.
    serving = {agent for queue, agent in tiers if queue in kept_queues}
    leaving = sorted(agents.keys() - wanted.agents.keys() - serving)
    for queue, agent in sorted(tiers.keys() - wanted.tiers.keys()):
        if queue not in kept_queues and agent not in leaving:
            switch.change(f"{CC} tier del {queue} {agent}")
    for name in leaving:
        switch.change(f"{CC} agent del {name}")


def sync_server(server: tuple[str, int, str], wanted: Callcenter, flush: list[tuple[str, str]],
                dry_run: bool = False, client=None) -> Report:
    """Bring one switch in line; ``flush``: (extension, domain) of directory users to uncache;
    ``client``: a connection already open to it (else one is opened and closed)."""
    host, port, password = server
    report = Report(f"{host}:{port}")
    try:
        with contextlib.nullcontext(client) if client else connect(host, port, password,
                                                                    timeout=CONNECT_TIMEOUT) as connection:
            switch = _Switch(connection, report, dry_run)
            sync_agents_and_tiers(switch, wanted, sync_queues(switch, wanted))
            for extension, domain in flush:
                switch.change(f"xml_flush_cache id {extension} {domain}")
    except (OSError, TimeoutError, ESLError, SwitchError) as error:
        report.unreachable = f"{type(error).__name__}: {error}"
        log.warning("switch %s not synced: %s", report.server, report.unreachable)
    return report


def of_tenants(wanted: Callcenter, tenants: set[int]) -> Callcenter:
    """Only the queues, agents and tiers of ``tenants`` (our names begin ``t<tenant>_``)."""
    def keep(name: str) -> bool:
        return int(name[1:name.index("_")]) in tenants
    return Callcenter(queues={n: q for n, q in wanted.queues.items() if keep(n)},
                      agents={n: a for n, a in wanted.agents.items() if keep(n)},
                      tiers={k: t for k, t in wanted.tiers.items() if keep(k[0])})


# ---------------------------------------------------------------- directory cache

def tenant_revisions() -> dict[int, int]:
    return dict(db.session.execute(select(models.Tenant.id, models.Tenant.dialplan_revision)).all())


def _seen_key(server_name: str) -> str:
    return f"switch-sync-revisions:{server_name}"


def changed_tenants(server_name: str, revisions: dict[int, int], tenants: set[int]) -> list[int] | None:
    """Those of ``tenants`` whose revision moved since this switch was last synced (none on first
    contact; a company that has just come to it counts as moved); None when the record cannot be read."""
    try:
        seen = huey.get(_seen_key(server_name), peek=True)
    except BROKER_ERRORS as error:
        # Queues are synced all the same; the flush waits for a sync that can read the record.
        log.warning("directory cache of %s not flushed: the task queue is away: %s", server_name, error)
        return None
    if seen is None:
        return []
    return sorted(tid for tid, revision in revisions.items() if tid in tenants and seen.get(tid) != revision)


def _remember_seen(server_name: str, revisions: dict[int, int]) -> None:
    """Not kept while the task queue is away: the next sync compares with the older record and
    flushes more, never less."""
    try:
        huey.put(_seen_key(server_name), revisions)
    except BROKER_ERRORS as error:
        log.warning("revisions synced to %s not recorded: the task queue is away: %s", server_name, error)


def directory_users(tenant_ids: list[int], suffix: str) -> list[tuple[str, str]]:
    """(extension, SIP domain under ``suffix``) of every user of those companies, as the directory serves them."""
    if not tenant_ids:
        return []
    rows = db.session.execute(select(models.User.tenant_id, models.User.extension).where(
        models.User.tenant_id.in_(tenant_ids), models.User.extension.is_not(None)).order_by(models.User.id))
    users = [(extension, sip_domain(tid, suffix)) for tid, extension in rows]
    return [(e, d) for e, d in users if SAFE_USER.fullmatch(e) and SAFE_DOMAIN.fullmatch(d)]


# ---------------------------------------------------------------- every switch

def configured_servers(config, names: list[str] | None = None) -> list[tuple[str, int, str]]:
    """``config``'s ESL_SERVERS, or those of them named ``host:port``."""
    servers = parse_servers(config["ESL_SERVERS"])
    return [s for s in servers if names is None or f"{s[0]}:{s[1]}" in names]


def _connect_all(servers, stack: contextlib.ExitStack) -> dict[int, object]:
    """An open connection per switch that answers, by its position in ESL_SERVERS; an error text
    for those that do not."""
    clients = {}
    for index, (host, port, password) in enumerate(servers):
        try:
            clients[index] = stack.enter_context(connect(host, port, password, timeout=CONNECT_TIMEOUT))
        except (OSError, TimeoutError, ESLError) as error:
            clients[index] = f"{type(error).__name__}: {error}"
    return clients


def homes(tenant_ids, count: int, up: set[int]) -> dict[int, int | None]:
    """Each company's switch (its position in ESL_SERVERS): where Kamailio sends all its calls, or
    while that one is down the next one up, as Kamailio does (pbx.switch_homes)."""
    return {tid: company_home(tid, count, up) for tid in tenant_ids}


def sync_all(app, names: list[str] | None = None, dry_run: bool = False) -> list[Report]:
    """Sync every switch ``app`` is configured with (or those named), each with the companies whose
    calls land on it: worked out over every configured switch, so one that is down is covered."""
    wanted, revisions, suffix = desired_callcenter(app), tenant_revisions(), app.config.get("SIP_DOMAIN_SUFFIX", "")
    servers, reports = configured_servers(app.config), []
    with contextlib.ExitStack() as stack:
        clients = _connect_all(servers, stack)
        up = {index for index, client in clients.items() if not isinstance(client, str)}
        home = homes(revisions, len(servers), up)
        for index, server in enumerate(servers):
            name = switch_status.server_name(server)
            if names is not None and name not in names:
                continue
            tenants = {tid for tid, at in home.items() if at == index}
            changed = changed_tenants(name, revisions, tenants)
            report = _sync_one(server, clients[index], of_tenants(wanted, tenants),
                               directory_users(changed or [], suffix), dry_run)
            if not dry_run:
                switch_status.record_sync(name, report.ok)  # shown on the dashboard
                if report.ok and changed is not None:  # unread, the record stays for the next sync
                    _remember_seen(name, {tid: revisions[tid] for tid in tenants})
            reports.append(report)
    return reports


def _sync_one(server, client, wanted: Callcenter, flush, dry_run: bool) -> Report:
    if isinstance(client, str):
        report = Report(switch_status.server_name(server), unreachable=client)
        log.warning("switch %s not synced: %s", report.server, report.unreachable)
        return report
    return sync_server(server, wanted, flush, dry_run, client=client)


# ---------------------------------------------------------------- when it runs

_one_at_a_time = threading.Lock()  # worker threads of one consumer never sync side by side


def _run(reason: str, names: list[str] | None = None) -> list[Report]:
    with app_context() as app, _one_at_a_time:
        for folder in ensure_tenant_folders(app.config):
            log.info("created the recordings folder %s", folder)
        reports = sync_all(app, names)
    for report in reports:
        log.info("switch %s synced (%s): %d commands%s", report.server, reason, len(report.commands),
                 "" if report.ok else f", failed: {report.unreachable or report.errors}")
    return reports


@huey.task(retries=RETRIES, retry_delay=RETRY_DELAY, retry_backoff=RETRY_BACKOFF)
def sync_switch(reason: str, servers: list[str] | None = None) -> int:
    huey.get(DUE_KEY)  # taken before reading the database: a commit from now on asks for another sync
    failed = [r.server for r in _run(reason, servers) if not r.ok]
    if failed:
        raise SwitchSyncFailed(f"not in line yet: {', '.join(failed)}")  # huey retries with backoff
    return 0


@huey.periodic_task(crontab(minute="*/5"))
def sync_switch_periodically() -> None:
    huey.get(DUE_KEY)  # also frees the debounce should its scheduled task have been lost
    _run("every 5 minutes")


def request_sync(reason: str) -> None:
    """Debounced: the first change of a burst schedules one sync DEBOUNCE_SECONDS later.

    Never raises: a publish must not fail because the task queue is away (the 5-minute sync
    catches up).
    """
    try:
        if huey.put_if_empty(DUE_KEY, reason):
            sync_switch.schedule((reason,), delay=DEBOUNCE_SECONDS)
    except Exception as error:  # noqa: BLE001
        log.warning("switch sync not requested (%s): %s", reason, error)


def sync_switch_now(server: tuple[str, int, str]) -> None:
    """The listener connected (again) to ``server``: sync it at once, in the worker. Never raises."""
    host, port = server[0], server[1]
    try:
        sync_switch(f"connected to {host}:{port}", [f"{host}:{port}"])
    except Exception as error:  # noqa: BLE001
        log.warning("switch sync of %s:%s not requested: %s", host, port, error)


def _after_commit(session) -> None:
    changed = session.info.pop("dialplan_changed", None)
    if changed and _on_commit(session):
        request_sync(f"changes in companies {', '.join(map(str, sorted(changed)))}")


# The settings of each app's engine: a commit asks for a sync unless its app's SWITCH_SYNC_ON_COMMIT is off.
_settings_of_engine: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _on_commit(session) -> bool:
    bind = session.get_bind()
    config = _settings_of_engine.get(getattr(bind, "engine", bind))
    return config is None or config["SWITCH_SYNC_ON_COMMIT"]


def _after_rollback(session) -> None:
    session.info.pop("dialplan_changed", None)


def install(engine, config) -> None:
    """After a commit that bumped a dialplan revision (pbx.audit), ask for a sync, if ``config`` (the
    settings of the app whose ``engine`` it is) says so."""
    _settings_of_engine[engine] = config
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
