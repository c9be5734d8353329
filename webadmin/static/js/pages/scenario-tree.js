// The scenario document as a tree of nodes: branches, lookup, new nodes, readable summaries.
import { t } from "../i18n.js";

export const KEYS = "1234567890*#".split("");
export const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
export const KINDS = ["schedule", "announcement", "menu", "forward", "voicemail", "caller_condition", "hangup", "goto"];

// A slot is where a child hangs: a branch name ("next", "no_answer") or a menu key ("options.1").
export function slots(node, kinds) {
  const keyed = node.kind === "menu"
    ? KEYS.filter((k) => node.options && node.options[k]).map((k) => `options.${k}`) : [];
  return [...keyed, ...(kinds[node.kind]?.branches || [])];
}

export function childAt(node, slot) {
  return slot.startsWith("options.") ? node.options?.[slot.slice(8)] : node[slot];
}

export function setChild(node, slot, child) {
  const [holder, key] = slot.startsWith("options.") ? [(node.options ??= {}), slot.slice(8)] : [node, slot];
  if (child === undefined) delete holder[key];
  else holder[key] = child;
}

export const slotLabel = (slot) =>
  (slot.startsWith("options.") ? t("br.key", { key: slot.slice(8) }) : t(`br.${slot}`));

// Every node with its parent and slot, depth first.
export function* walk(node, kinds, parent = null, slot = null) {
  if (!node || typeof node !== "object") return;
  yield { node, parent, slot };
  for (const s of slots(node, kinds)) yield* walk(childAt(node, s), kinds, node, s);
}

export function find(doc, id, kinds) {
  for (const entry of walk(doc?.root, kinds)) if (entry.node.id === id) return entry;
  return null;
}

function freeId(doc, kind, kinds) {
  const taken = new Set([...walk(doc?.root, kinds)].map((e) => e.node.id));
  let n = 1;
  while (taken.has(`${kind}_${n}`)) n += 1;
  return `${kind}_${n}`;
}

// A new node with sensible defaults, pointing at the company's first objects of each kind.
export function newNode(kind, doc, kinds, refs) {
  const first = (rows) => rows[0]?.id;
  const node = { id: freeId(doc, kind, kinds), kind };
  const defaults = {
    schedule: { week: Object.fromEntries(DAYS.slice(0, 5).map((d) => [d, [["08:00", "16:00"]]])), holidays: "pl" },
    announcement: { prompt: first(refs.announcements), repeat: 1 },
    menu: { prompt: first(refs.announcements), repeat: 2, timeout_seconds: 5, direct_dial: false, options: {} },
    forward: { target: refs.groups.length ? { group: first(refs.groups) } : { user: first(refs.users) }, ring_seconds: 30 },
    voicemail: { box: first(refs.boxes) },
    caller_condition: { list: first(refs.lists) },
    hangup: {},
    goto: { target: doc?.root?.id },
  };
  return { ...node, ...defaults[kind] };
}

const nameOf = (rows, id) => rows.find((r) => r.id === id)?.name ?? (id ? `#${id}` : "");

export function hoursText(windows) {
  return (windows || []).map((w) => (Array.isArray(w) ? w.join("-") : String(w))).join(", ");
}

function weekSummary(week = {}) {
  const parts = [];
  for (const day of DAYS) {
    const text = hoursText(week[day]);
    const last = parts[parts.length - 1];
    if (!text) continue;
    if (last && last.text === text && DAYS.indexOf(day) === DAYS.indexOf(last.to) + 1) last.to = day;
    else parts.push({ from: day, to: day, text });
  }
  return parts.map((p) => `${t(`day.${p.from}`)}${p.to !== p.from ? `–${t(`day.${p.to}`)}` : ""} ${p.text}`).join("; ");
}

export function summary(node, refs) {
  const target = node.target || {};
  switch (node.kind) {
    case "schedule": return weekSummary(node.week) || "—";
    case "announcement": return nameOf(refs.announcements, node.prompt);
    case "menu": return nameOf(refs.announcements, node.prompt);
    case "forward": {
      const who = target.user ? refs.users.find((u) => u.id === target.user) : null;
      const label = who ? `${who.first_name} ${who.last_name}` : target.group ? nameOf(refs.groups, target.group) : target.number;
      return `→ ${label ?? "?"}, ${node.ring_seconds ?? 30} s${node.queue ? ` (${t("queue").split(" (")[0]})` : ""}`;
    }
    case "voicemail": return nameOf(refs.boxes, node.box);
    case "caller_condition": return nameOf(refs.lists, node.list);
    case "goto": return `→ ${node.target}`;
    default: return "";
  }
}
