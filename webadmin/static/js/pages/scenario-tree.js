// The scenario document as a tree of nodes: branches, lookup, new nodes, readable summaries.
// Node kinds, their fields, defaults and branches come from GET /api/node-kinds (`kinds`).
import { t } from "../i18n.js";
import { fullName } from "./crud.js";
import { dateText } from "../ui.js";

// Directory objects a node field may name (`ref` of a field spec): where the panel lists them.
export const REFS = {
  announcement: { rows: "announcements", text: (a) => a.name },
  user: { rows: "users", text: fullName },
  group: { rows: "groups", text: (g) => g.name },
  box: { rows: "boxes", text: (b) => b.name },
  list: { rows: "lists", text: (l) => `${l.name} (${t(`kind.${l.kind}`)})` },
  survey: { rows: "surveys", text: (s) => s.name },
};

export const refRows = (refs, ref) => refs[REFS[ref]?.rows] || [];

// A keyed field without fixed keys (a server's answers) is named by the admin.
export const namedKeys = (keyed) => keyed && !keyed.keys.length;
// What an admin may name such a key (pbx/server_call.py ANSWER_NAME).
export const KEY_NAME = /^[a-z][a-z0-9_]{0,19}$/;

// A slot is where a child hangs: a branch name ("next", "no_answer") or a key of a keyed field ("options.1").
export function slots(node, kinds) {
  const keyed = kinds[node.kind]?.keyed;
  const keys = namedKeys(keyed) ? Object.keys(node[keyed.field] || {}).sort() : keyed?.keys || [];
  const taken = keyed ? keys.filter((k) => node[keyed.field]?.[k]).map((k) => `${keyed.field}.${k}`) : [];
  return [...taken, ...(kinds[node.kind]?.branches || [])];
}

// Keys of a keyed field (a menu's options) that hold no child yet; "answers." for a key still to be named.
export function freeKeys(node, kinds) {
  const keyed = kinds[node.kind]?.keyed;
  if (namedKeys(keyed)) return [`${keyed.field}.`];
  return keyed ? keyed.keys.filter((k) => !node[keyed.field]?.[k]).map((k) => `${keyed.field}.${k}`) : [];
}

const splitSlot = (slot) => {
  const dot = slot.indexOf(".");
  return dot < 0 ? [slot, null] : [slot.slice(0, dot), slot.slice(dot + 1)];
};

export function childAt(node, slot) {
  const [field, key] = splitSlot(slot);
  return key === null ? node[field] : node[field]?.[key];
}

export function setChild(node, slot, child) {
  const [field, key] = splitSlot(slot);
  const [holder, at] = key === null ? [node, field] : [(node[field] ??= {}), key];
  if (child === undefined) delete holder[at];
  else holder[at] = child;
}

export const slotLabel = (slot) => {
  const [field, key] = splitSlot(slot);
  if (key === null) return t(`br.${field}`);
  if (key === "") return t("br.newAnswer");
  return key.length === 1 ? t("br.key", { key }) : t("br.answer", { key });
};

// Every node with its parent and slot, depth first.
export function* walk(node, kinds, parent = null, slot = null) {
  if (!node || typeof node !== "object") return;
  yield { node, parent, slot };
  for (const s of slots(node, kinds)) yield* walk(childAt(node, s), kinds, node, s);
}

// A node as the tree shows it: its name and id, or the id alone.
export const nodeWords = (node) => (node.name ? `${node.name} (${node.id})` : node.id);

// Nodes a branch may lead to by a `goto` (every node but the jumps themselves), as [id, words].
export function targets(doc, kinds, except = null) {
  return [...walk(doc?.root, kinds)].map((e) => e.node)
    .filter((n) => n.kind !== "goto" && n.id !== except).map((n) => [n.id, nodeWords(n)]);
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

const isEmpty = (value) => value === null || value === "" ||
  (typeof value === "object" && Object.keys(value).length === 0);

// The value a new node starts with in one field: the schema's default, else the company's first object.
function startValue(spec, doc, refs) {
  if (spec.type === "ref") return spec.required ? refRows(refs, spec.ref)[0]?.id : undefined;
  if (spec.type === "node") return doc?.root?.id;
  if (spec.one_of) {
    const names = [...(spec.prefer || []), ...spec.fields.map((f) => f.name)];
    const option = names.map((n) => spec.fields.find((f) => f.name === n))
      .find((f) => f?.type === "ref" && refRows(refs, f.ref).length);
    return option ? { [option.name]: refRows(refs, option.ref)[0].id } : undefined;
  }
  return "default" in spec && !isEmpty(spec.default) ? structuredClone(spec.default) : undefined;
}

// A new node with its kind's defaults, pointing at the company's first objects of each kind.
export function newNode(kind, doc, kinds, refs) {
  const node = { id: freeId(doc, kind, kinds), kind };
  for (const spec of kinds[kind].fields) {
    const value = spec.name === "name" ? undefined : startValue(spec, doc, refs);
    if (value !== undefined) node[spec.name] = value;
  }
  return { ...node, ...structuredClone(kinds[kind].template || {}) };
}

function refName(refs, ref, id) {
  const row = refRows(refs, ref).find((r) => r.id === id);
  return row ? (ref === "user" ? fullName(row) : row.name) : (id ? `#${id}` : "");
}

export function hoursText(windows) {
  return (windows || []).map((w) => (Array.isArray(w) ? w.join("-") : String(w))).join(", ");
}

function weekSummary(week, days, keyLabel) {
  const parts = [];
  for (const day of days) {
    const text = hoursText(week?.[day]);
    const last = parts[parts.length - 1];
    if (!text) continue;
    if (last && last.text === text && days.indexOf(day) === days.indexOf(last.to) + 1) last.to = day;
    else parts.push({ from: day, to: day, text });
  }
  const label = (d) => t(`${keyLabel}.${d}`);
  return parts.map((p) => `${label(p.from)}${p.to !== p.from ? `–${label(p.to)}` : ""} ${p.text}`).join("; ");
}

// A one-line summary from the fields the kind marks for it (`summary` in its field specs).
export function summary(node, refs, kinds) {
  const parts = [];
  const flags = [];
  for (const spec of (kinds[node.kind]?.fields || []).filter((f) => f.summary)) {
    const value = node[spec.name] ?? spec.default;
    if (spec.type === "ref") parts.push(refName(refs, spec.ref, value));
    else if (spec.type === "node") parts.push(`→ ${value}`);
    else if (spec.type === "datetime") parts.push(value ? dateText(value) : "");
    else if (spec.one_of) {
      const [name, id] = Object.entries(value || {})[0] || [];
      const option = spec.fields.find((f) => f.name === name);
      parts.push(`→ ${(option?.type === "ref" ? refName(refs, option.ref, id) : id) || "?"}`);
    } else if (spec.type === "map" && spec.values?.type === "hours") {
      parts.push(weekSummary(value, spec.keys.choices, spec.key_label) || "—");
    } else if (spec.type === "object") {
      if (value) flags.push(`(${t(spec.label).split(" (")[0]})`);
    } else if (value !== undefined && value !== null) parts.push(`${value}${spec.unit ? ` ${spec.unit}` : ""}`);
  }
  return [parts.filter(Boolean).join(", "), ...flags].filter(Boolean).join(" ");
}

// Mark the nodes a test call went through (in order) until the tree is drawn again; show the first.
export function showPath(treeBox, ids) {
  for (const row of treeBox.querySelectorAll(".on-path")) row.classList.remove("on-path");
  ids.forEach((id, n) => {
    const row = treeBox.querySelector(`[data-node="${CSS.escape(id)}"]`);
    row?.classList.add("on-path");
    row?.setAttribute("data-step", String(n + 1));
  });
  const first = treeBox.querySelector(".on-path");
  first?.scrollIntoView({ block: "center" });
  first?.focus();
}
