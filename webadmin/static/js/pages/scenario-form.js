// The side form that edits one node's own fields (its children are edited in the tree).
// The form is built from the kind's field specs (GET /api/node-kinds): one control per field type.
import { language, t } from "../i18n.js";
import { fill, fieldRow, h, readField, showErrors } from "../ui.js";
import { DAYS, HoursError, parseHours, parseWeek, readHoursField } from "./hours-text.js";
import { REFS, hoursText, refRows, targets } from "./scenario-tree.js";
import { options } from "./crud.js";

// A label from i18n.js: "<kind>.<field>" when the kind words it its own way, else "<field>".
function labelOf(kind, name) {
  const own = `${kind}.${name}`;
  return t(own) !== own ? t(own) : t(name);
}

// A field offering one of its sub-fields (a forward's user, group or number); the control follows the choice.
function oneOfField(spec, value, refs, label) {
  const type = Object.keys(value || {})[0] || spec.fields[0].name;
  const holder = h("div", { class: "target-value" });
  const typeSelect = h("select", { name: `${spec.name}_type`, "aria-label": label },
    spec.fields.map((f) => h("option", { value: f.name, selected: f.name === type }, t(`${spec.name}.${f.name}`))));
  const option = () => spec.fields.find((f) => f.name === typeSelect.value);
  const draw = () => {
    const chosen = option();
    const current = chosen.name === type ? value?.[chosen.name] : "";
    const aria = t(`${spec.name}.${chosen.name}`);
    fill(holder, chosen.type === "ref"
      ? h("select", { name: `${spec.name}_value`, "aria-label": aria }, refRows(refs, chosen.ref)
        .map((row) => h("option", { value: row.id, selected: row.id === current }, REFS[chosen.ref].text(row))))
      : h("input", { name: `${spec.name}_value`, type: "tel", value: current ?? "", "aria-label": aria }));
  };
  typeSelect.addEventListener("change", draw);
  draw();
  return [{
    name: spec.name,
    render: () => h("fieldset", {}, h("legend", {}, label), h("div", { class: "inline" }, typeSelect, holder)),
    read: (form) => {
      const raw = form.elements[`${spec.name}_value`].value;
      return { [option().name]: option().type === "ref" || option().type === "integer" ? Number(raw) : raw };
    },
  }];
}

// An optional group of settings (a forward's queue): a checkbox, then its own fields.
function optionalObject(spec, value, label, kind) {
  const inner = spec.fields.map((f) => ({ ...control(f, value?.[f.name] ?? f.default ?? f.initial, kind), skipNode: true }));
  return [{ name: spec.name, label, type: "checkbox", value: !!value,
    read: (form) => (form.elements[spec.name].checked
      ? Object.fromEntries(inner.map((f) => [f.name, readField(form, { ...f, read: null })])) : null) }, ...inner];
}

// Hours per key (a schedule's week): one text row per key, read back into one object; above them a row
// that fills several days at once ("pn-pt 8-16; sob 9-13"), whose days win when applied unfilled.
function hoursMap(spec, value) {
  const prefix = spec.key_label || spec.name;
  const rows = spec.keys.choices.map((key) => ({ name: `${prefix}_${key}`, label: `${t(`${prefix}.${key}`)} — ${t("sc.hours")}`,
    value: hoursText(value?.[key]), skipNode: true }));
  const quick = spec.keys.choices.every((key) => DAYS.includes(key)) ? [weekRow(prefix)] : [];
  const read = (form) => {
    const typed = quick.length ? readHoursField(form, `${prefix}_week`, parseWeek) : {};
    return Object.fromEntries(spec.keys.choices.map((k) => [k, typed[k] ?? readHoursField(form, `${prefix}_${k}`, parseHours)]));
  };
  return [...quick, ...rows, { name: spec.name, render: () => h("span", { hidden: true }), read }];
}

function weekRow(prefix) {
  const name = `${prefix}_week`;
  const fillDays = (event) => {
    const form = event.target.form;
    try {
      const week = parseWeek(form.elements[name].value);
      for (const [day, windows] of Object.entries(week)) form.elements[`${prefix}_${day}`].value = hoursText(windows);
      form.elements[name].value = "";
      showErrors(form, {});
      form.elements[`${prefix}_${Object.keys(week)[0] || "mon"}`].focus();
    } catch (error) {
      if (!(error instanceof HoursError)) throw error;
      showErrors(form, { [name]: [error.message] });
    }
  };
  return { name, skipNode: true, render: (id) => h("div", { class: "inline" },
    h("input", { id, name, "aria-describedby": `${id}-help ${id}-error`,
      onkeydown: (event) => { if (event.key === "Enter") { event.preventDefault(); fillDays(event); } } }),
    h("button", { type: "button", onclick: fillDays }, t("hours.fill"))),
    label: t("hours.week"), help: t("hours.weekHelp"), labelled: true };
}

// A schedule's exception day as the panel's language writes it: "24.12.2026", "24.12" every year.
const dayText = (text) => {
  const match = /^(?:(\d{4})-)?(\d{2})-(\d{2})$/.exec(text || "");
  if (!match || language() !== "pl") return text;
  const [, year, month, day] = match;
  return `${day}.${month}${year ? `.${year}` : ""}`;
};

// And back: "24.12.2026" → "2026-12-24", "24.12" → "12-24", as the draft stores it; anything else goes as typed.
const isoDay = (text) => {
  const match = /^(\d{1,2})\.(\d{1,2})(?:\.(\d{4}))?$/.exec(text);
  if (!match) return text;
  const [, day, month, year] = match;
  return `${year ? `${year}-` : ""}${month.padStart(2, "0")}-${day.padStart(2, "0")}`;
};

// And a date-time: "24.12.2026 14:00" or "2026-12-24 14:00" → "2026-12-24T14:00"; anything else goes as typed.
const isoDateTime = (typed, nullable) => {
  const text = typed.trim();
  if (!text && nullable) return null;
  const polish = /^(\d{1,2})\.(\d{1,2})\.(\d{4}),?[ T]+(\d{1,2}):(\d{2})$/.exec(text);
  const iso = /^(\d{4})-(\d{2})-(\d{2})[ T]+(\d{1,2}):(\d{2})$/.exec(text);
  if (!polish && !iso) return text;
  const [year, month, day, hour, minute] = polish ? [polish[3], polish[2], polish[1], polish[4], polish[5]] : iso.slice(1);
  const two = (n) => n.padStart(2, "0");
  return `${year}-${two(month)}-${two(day)}T${two(hour)}:${minute}`;
};

// A list of small records (a schedule's exceptions): one per line, the first field then the hours.
function recordLines(spec, value, label) {
  const [first, ...rest] = spec.items.fields;
  const line = (item) => [dayText(item[first.name]), ...rest.map((f) => (f.type === "hours" ? hoursText(item[f.name]) : item[f.name]))]
    .filter((part) => part !== undefined && part !== "").join(" ");
  const readLine = (text, index) => {
    const [head, ...tail] = text.split(/\s+/);
    try {
      return { [first.name]: first.type === "date" ? isoDay(head) : head, ...Object.fromEntries(rest.map((f) => [f.name, parseHours(tail.join(" "))])) };
    } catch (error) {
      if (error instanceof HoursError) error.message = t("hours.line", { n: index + 1, problem: error.message });
      throw error;
    }
  };
  return [{ name: spec.name, label, type: "textarea", rows: 3, value: (value || []).map(line).join("\n"),
    read: (form) => readHoursField(form, spec.name, (all) => all.split("\n").map((s) => s.trim()).filter(Boolean).map(readLine)) }];
}

function control(spec, value, kind, ctx = {}) {
  const label = labelOf(kind, spec.name);
  if (spec.type === "integer") return { name: spec.name, label, type: "number", value, min: spec.min, max: spec.max };
  if (spec.type === "boolean") return { name: spec.name, label, type: "checkbox", value };
  // wall time in the company's zone, typed as the panel writes dates ("24.12.2026 14:00")
  if (spec.type === "datetime") {
    return { name: spec.name, label, type: "datetime-local", value,
      read: (form) => isoDateTime(form.elements[spec.name].value, spec.nullable) };
  }
  if (spec.type === "ref") {
    return { name: spec.name, label, type: "select", numeric: true, nullable: spec.nullable, value,
      options: options(refRows(ctx.refs, spec.ref), REFS[spec.ref].text, { empty: spec.nullable }) };
  }
  if (spec.type === "node") {
    return { name: spec.name, label, type: "select", value, options: targets(ctx.doc, ctx.kinds, ctx.node?.id) };
  }
  if (spec.choices) {
    return { name: spec.name, label, type: "select", nullable: spec.nullable, value: value ?? "",
      options: [...(spec.nullable ? [["", t("none")]] : []), ...spec.choices.map((c) => [c, t(`${spec.name}.${c}`)])] };
  }
  return { name: spec.name, label, value };
}

function specFields(spec, node, ctx) {
  const value = node[spec.name] ?? spec.default;
  const label = labelOf(node.kind, spec.name);
  if (spec.one_of) return oneOfField(spec, node[spec.name], ctx.refs, label);
  if (spec.type === "object") return optionalObject(spec, node[spec.name], label, node.kind);
  if (spec.type === "map" && spec.values?.type === "hours") return hoursMap(spec, value);
  if (spec.type === "list" && spec.items?.type === "object") return recordLines(spec, value, label);
  return [control(spec, value, node.kind, { ...ctx, node })];
}

// onApply(values) receives the node's new own fields; onRemove() drops the node and its subtree.
export function nodeForm(node, { refs, kinds, doc, editable, problems, onApply, onRemove, isRoot }) {
  const fields = (kinds[node.kind]?.fields || []).flatMap((spec) => specFields(spec, node, { refs, kinds, doc }));
  const form = h("form", { class: "stack node-form", "aria-label": `${t("sc.node")} ${node.id}` });
  const box = h("fieldset", { disabled: !editable }, h("legend", {}, `${t(`kind.${node.kind}`)} · `, h("code", {}, node.id)),
    fields.map((f) => h("div", { "data-node-field": f.name }, fieldRow(f))));
  form.append(showProblems(h("ul", { class: "node-problems" }), problems), box);
  if (editable) {
    form.append(h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary" }, t("sc.apply")),
      isRoot ? null : h("button", { type: "button", class: "danger", onclick: onRemove }, t("sc.remove"))));
  }
  const read = () => Object.fromEntries(fields.filter((f) => !f.skipNode).map((f) => [f.name, readField(form, f)]));
  // true when applied; hours that cannot be read stay in the form with the error at their field
  const apply = () => {
    try {
      onApply(read());
      return true;
    } catch (error) {
      if (!(error instanceof HoursError)) throw error;
      showErrors(form, { [error.field]: [error.message] });
      return false;
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    apply();
  });
  const current = () => {
    try {
      return JSON.stringify(read());
    } catch (error) {
      if (error instanceof HoursError) return null; // typed, and not yet readable: not what was applied
      throw error;
    }
  };
  const initial = current();
  // modified(): typed into but not applied; the editor asks before such edits would be thrown away.
  return Object.assign(form, { apply, modified: () => editable && current() !== initial });
}

// A node's problems as list items (in the tree and in the form); the list hides when there are none.
export function showProblems(list, problems) {
  fill(list, problems.map((p) => h("li", { class: p.level }, p.message)));
  list.hidden = !problems.length;
  return list;
}
