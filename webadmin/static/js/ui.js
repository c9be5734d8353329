// Small DOM helpers: elements, tables, forms with per-field errors, dialogs, messages.
import { language, t } from "./i18n.js";

let uid = 0;
export const nextId = (prefix) => `${prefix}-${++uid}`;

// h("button", {class: "x", onclick: fn}, "text", child) — attributes, then children.
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else if (key in node && typeof value !== "string") node[key] = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

export function toast(text, kind = "info") {
  const box = document.getElementById("toast");
  box.className = kind;
  box.textContent = text;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.textContent = ""; box.className = ""; }, 6000);
}

export function errorText(messages) {
  if (typeof messages === "string") return messages;
  if (Array.isArray(messages)) return messages.map(errorText).join(" ");
  return Object.entries(messages || {}).map(([key, value]) => `${key}: ${errorText(value)}`).join("; ");
}

export function table(columns, rows, { caption, empty = t("noRows") } = {}) {
  const head = h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c.label)));
  const body = rows.length
    ? rows.map((row) => h("tr", {}, columns.map((c) => h("td", { "data-label": c.label }, c.value(row) ?? ""))))
    : [h("tr", {}, h("td", { colspan: columns.length, class: "empty" }, empty))];
  // A wide table scrolls in its box, not the page; on a phone each row is a card, its values named by data-label.
  return h("div", { class: "table-scroll" }, h("table", { class: "cards" },
    caption ? h("caption", {}, caption) : null, h("thead", {}, head), h("tbody", {}, body)));
}

// Dates are typed as the panel's language writes them, not in the browser's own date picker (which
// follows the browser's locale): "31.12.2026 14:00" in Polish, "2026-12-31 14:00" in English; the API reads both.
const DATE_TYPES = new Set(["date", "datetime-local"]);

export function dateText(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}))?/.exec(iso || "");
  if (!match) return iso ?? "";
  const [, year, month, day, time] = match;
  const date = language() === "pl" ? `${day}.${month}.${year}` : `${year}-${month}-${day}`;
  return time ? `${date} ${time}` : date;
}

// A form field: {name, label, type, options:[[value,label]], help, required, value}.
function control(field, id, describedBy) {
  const common = { id, name: field.name, "aria-describedby": describedBy, required: field.required };
  if (DATE_TYPES.has(field.type)) {
    return h("input", { ...common, type: "text", value: dateText(field.value), autocomplete: "off", class: "date" });
  }
  if (field.type === "select") {
    return h("select", common, field.options.map(([value, label]) =>
      h("option", { value, selected: String(field.value ?? "") === String(value) }, label)));
  }
  if (field.type === "textarea") return h("textarea", { ...common, rows: field.rows || 4 }, field.value ?? "");
  if (field.type === "checkbox") return h("input", { ...common, type: "checkbox", checked: !!field.value });
  if (field.type === "checkboxes") {
    const chosen = new Set((field.value || []).map(String));
    return h("fieldset", { id, "aria-describedby": describedBy, class: "checks" }, h("legend", {}, field.label),
      field.options.map(([value, label]) => h("label", {},
        h("input", { type: "checkbox", name: field.name, value, checked: chosen.has(String(value)) }), " ", label)));
  }
  return h("input", { ...common, type: field.type || "text", value: field.value ?? "", min: field.min, max: field.max,
    inputmode: field.inputmode, autocomplete: field.autocomplete || "off" });
}

export function fieldRow(field) {
  const id = nextId(field.name);
  const helpText = field.help ?? (DATE_TYPES.has(field.type) ? t(`${field.type}.help`) : null);
  const help = helpText ? h("p", { class: "help", id: `${id}-help` }, helpText) : null;
  const error = h("p", { class: "error", id: `${id}-error`, "data-error-for": field.name, hidden: true });
  const describedBy = [help && `${id}-help`, `${id}-error`].filter(Boolean).join(" ");
  const input = field.render ? field.render(id) : control(field, id, describedBy);
  // a rendered control is labelled by itself unless it says the row's label names it (labelled)
  const named = !["checkboxes"].includes(field.type) && (!field.render || field.labelled);
  const label = named ? h("label", { for: id }, field.label) : null;
  const row = field.type === "checkbox"
    ? h("div", { class: "field check" }, input, label, help, error)
    : h("div", { class: "field" }, label, input, help, error);
  row.dataset.field = field.name;
  return row;
}

export function readField(form, field) {
  if (field.read) return field.read(form);
  const inputs = form.querySelectorAll(`[name="${field.name}"]`);
  if (field.type === "checkbox") return inputs[0].checked;
  if (field.type === "checkboxes") return [...inputs].filter((i) => i.checked).map((i) => Number(i.value));
  const value = inputs[0].value;
  if (field.type === "number") return value === "" ? null : Number(value);
  if (field.nullable && value === "") return null;
  if (field.numeric && value !== "") return Number(value);
  return value;
}

export function showErrors(form, fields = {}) {
  for (const node of form.querySelectorAll("[data-error-for]")) {
    const messages = fields[node.dataset.errorFor];
    node.hidden = !messages;
    node.textContent = messages ? errorText(messages) : "";
    const row = node.closest(".field");
    row.classList.toggle("invalid", !!messages);
    row.querySelector("input, select, textarea")?.setAttribute("aria-invalid", messages ? "true" : "false");
  }
  const first = form.querySelector(".field.invalid input, .field.invalid select, .field.invalid textarea");
  first?.focus();
}

// A modal form. onSubmit(values) returns a promise; an ApiError with fields keeps the dialog open.
export function formDialog({ title, fields, submitLabel = t("save"), onSubmit }) {
  const form = h("form", { class: "stack", novalidate: true });
  form.append(...fields.map(fieldRow));
  const status = h("p", { class: "error", role: "alert" });
  const dialog = h("dialog", { "aria-label": title },
    h("h2", {}, title), form);
  form.append(status, h("div", { class: "buttons" },
    h("button", { type: "submit", class: "primary" }, submitLabel),
    h("button", { type: "button", onclick: () => dialog.close() }, t("cancel"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = Object.fromEntries(fields.filter((f) => !f.skip).map((f) => [f.name, readField(form, f)]));
    try {
      await onSubmit(values, form);
      dialog.close();
    } catch (error) {
      showErrors(form, error.fields || {});
      status.textContent = Object.keys(error.fields || {}).length ? t("fixErrors") : error.message;
    }
  });
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}

// replaceChildren without the nulls that conditional children leave ("null" would be shown as text).
export function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

// A modal question with named answers: resolves to the value of the button pressed, or `cancel` on Escape.
// buttons: [[value, label, class]]; items: a list shown under the text.
export function choose({ title, text, items = [], buttons, cancel }) {
  return new Promise((resolve) => {
    let answer = cancel;
    const dialog = h("dialog", { class: "choice", "aria-labelledby": "choice-title", "aria-describedby": "choice-text" },
      h("h2", { id: "choice-title" }, title), h("p", { id: "choice-text" }, text),
      items.length ? h("ul", { class: "choice-items" }, items.map((item) => h("li", {}, item))) : null,
      h("div", { class: "buttons" }, buttons.map(([value, label, cls]) => h("button", {
        type: "button", class: cls, onclick: () => { answer = value; dialog.close(); } }, label))));
    dialog.addEventListener("close", () => { dialog.remove(); resolve(answer); });
    document.body.append(dialog);
    dialog.showModal();
  });
}
