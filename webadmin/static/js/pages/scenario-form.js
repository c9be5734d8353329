// The side form that edits one node's own fields (its children are edited in the tree).
import { t } from "../i18n.js";
import { fill, fieldRow, h, readField } from "../ui.js";
import { DAYS, hoursText, walk } from "./scenario-tree.js";
import { fullName, options } from "./crud.js";

function parseHours(text) {
  return text.split(",").map((s) => s.trim()).filter(Boolean).map((w) => w.split(/\s*[-–]\s*/));
}

function parseExceptions(text) {
  return text.split("\n").map((s) => s.trim()).filter(Boolean).map((line) => {
    const [date, ...rest] = line.split(/\s+/);
    return { date, hours: parseHours(rest.join(" ")) };
  });
}

const number = (name, value, min, max) => ({ name, label: t(name), type: "number", value, min, max });
const choose = (name, label, rows, text, value, empty = false) =>
  ({ name, label, type: "select", numeric: true, nullable: empty, value, options: options(rows, text, { empty }) });

// The forward target: a user, a group or an external number; the control follows the chosen type.
function targetField(target, refs) {
  const type = Object.keys(target || {})[0] || "user";
  const holder = h("div", { class: "target-value" });
  const typeSelect = h("select", { name: "target_type", "aria-label": t("target") },
    ["user", "group", "number"].map((k) => h("option", { value: k, selected: k === type }, t(`target.${k}`))));
  const draw = () => {
    const kind = typeSelect.value;
    const current = kind === type ? target[kind] : "";
    fill(holder, kind === "number"
      ? h("input", { name: "target_value", type: "tel", value: current ?? "", "aria-label": t("target.number") })
      : h("select", { name: "target_value", "aria-label": t(`target.${kind}`) },
        (kind === "user" ? refs.users.map((u) => [u.id, fullName(u)]) : refs.groups.map((g) => [g.id, g.name]))
          .map(([id, label]) => h("option", { value: id, selected: id === current }, label))));
  };
  typeSelect.addEventListener("change", draw);
  draw();
  return {
    name: "target",
    render: () => h("fieldset", {}, h("legend", {}, t("target")), h("div", { class: "inline" }, typeSelect, holder)),
    read: (form) => {
      const kind = form.elements.target_type.value;
      const value = form.elements.target_value.value;
      return { [kind]: kind === "number" ? value : Number(value) };
    },
  };
}

function kindFields(node, refs, doc, kinds) {
  const prompts = (name, label, empty) => choose(name, label, refs.announcements, (a) => a.name, node[name], empty);
  switch (node.kind) {
    case "announcement": return [prompts("prompt", t("prompt")), number("repeat", node.repeat ?? 1, 1, 10)];
    case "menu": return [
      prompts("prompt", t("prompt")), prompts("invalid_prompt", t("invalid_prompt"), true),
      number("repeat", node.repeat ?? 2, 1, 5), number("timeout_seconds", node.timeout_seconds ?? 5, 1, 30),
      { name: "direct_dial", label: t("direct_dial"), type: "checkbox", value: node.direct_dial }];
    case "forward": return [
      targetField(node.target, refs), number("ring_seconds", node.ring_seconds ?? 30, 5, 300),
      { name: "queue", label: t("queue"), type: "checkbox", value: !!node.queue,
        read: (form) => (form.elements.queue.checked
          ? { max_wait_seconds: Number(form.elements.max_wait_seconds.value) } : null) },
      { ...number("max_wait_seconds", node.queue?.max_wait_seconds ?? 120, 10, 3600), skipNode: true }];
    case "schedule": return [
      ...DAYS.map((day) => ({ name: `day_${day}`, label: `${t(`day.${day}`)} — ${t("sc.hours")}`,
        value: hoursText(node.week?.[day]), skipNode: true })),
      { name: "week", render: () => h("span", { hidden: true }),
        read: (form) => Object.fromEntries(DAYS.map((d) => [d, parseHours(form.elements[`day_${d}`].value)])) },
      { name: "holidays", label: t("holidays"), type: "select", nullable: true, value: node.holidays ?? "",
        options: [["", t("none")], ["pl", t("holidays.pl")]] },
      { name: "exceptions", label: t("exceptions"), type: "textarea", rows: 3,
        value: (node.exceptions || []).map((e) => `${e.date} ${hoursText(e.hours)}`.trim()).join("\n"),
        read: (form) => parseExceptions(form.elements.exceptions.value) }];
    case "voicemail": return [choose("box", t("box"), refs.boxes, (b) => b.name, node.box)];
    case "caller_condition": return [choose("list", t("list"), refs.lists, (l) => `${l.name} (${t(`kind.${l.kind}`)})`, node.list)];
    case "hangup": return [prompts("prompt", t("prompt"), true)];
    case "goto": return [{ name: "target", label: t("goto.target"), type: "select", value: node.target,
      options: [...walk(doc.root, kinds)].map((e) => e.node.id).filter((id) => id !== node.id).map((id) => [id, id]) }];
    default: return [];
  }
}

// onApply(values) receives the node's new own fields; onRemove() drops the node and its subtree.
export function nodeForm(node, { refs, kinds, doc, editable, problems, onApply, onRemove, isRoot }) {
  const fields = [{ name: "name", label: t("name"), value: node.name }, ...kindFields(node, refs, doc, kinds)];
  const form = h("form", { class: "stack node-form", "aria-label": `${t("sc.node")} ${node.id}` });
  const box = h("fieldset", { disabled: !editable }, h("legend", {}, `${t(`kind.${node.kind}`)} · `, h("code", {}, node.id)),
    fields.map((f) => h("div", { "data-node-field": f.name }, fieldRow(f))));
  const notes = problems.length ? h("ul", { class: "node-problems" },
    problems.map((p) => h("li", { class: p.level }, p.message))) : null;
  form.append(notes || "", box);
  if (editable) {
    form.append(h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary" }, t("sc.apply")),
      isRoot ? null : h("button", { type: "button", class: "danger", onclick: onRemove }, t("sc.remove"))));
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const values = {};
    for (const f of fields.filter((f) => !f.skipNode)) values[f.name] = readField(form, f);
    onApply(values);
  });
  return form;
}
