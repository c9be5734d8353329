// The company's contacts (address book): list, search, form, import from CSV or vCard, export.
import { api, post } from "../api.js";
import { t } from "../i18n.js";
import { fieldRow, h, showErrors, toast } from "../ui.js";
import { crudPage } from "./crud.js";

// One number a line, its label before a colon: "komórka: 501 234 567" (the server checks the numbers).
const numbersText = (numbers) => numbers.map((n) => (n.label ? `${n.label}: ${n.number}` : n.number)).join("\n");
const numbersOf = (text) => text.split("\n").map((line) => line.trim()).filter(Boolean).map((line) => {
  const at = line.lastIndexOf(":");
  return at < 0 ? { label: "", number: line } : { label: line.slice(0, at).trim(), number: line.slice(at + 1).trim() };
});
const groupsOf = (text) => text.split(",").map((g) => g.trim()).filter(Boolean);

// Click to call: the server rings the admin's own SIP phone, then dials the number from it.
function callButtons(contact) {
  return contact.numbers.map((n) => h("button", { type: "button",
    "aria-label": `${t("contacts.call")}: ${contact.name}, ${n.label || n.number}`,
    onclick: async () => {
      try {
        toast((await post(`/api/contacts/${contact.id}/call`, { number: n.number })).message);
      } catch (error) {
        toast(error.message, "error");
      }
    } }, `📞 ${n.label || n.number}`));
}

function importForm(refresh) {
  const form = h("form", { class: "stack card", "aria-label": t("contacts.import") }, h("h2", {}, t("contacts.import")),
    h("p", { class: "note" }, t("contacts.importHelp")),
    fieldRow({ name: "file", label: t("contacts.file"), type: "file", required: true }),
    h("button", { type: "submit", class: "primary" }, t("contacts.importButton")));
  form.elements.file.accept = ".csv,.vcf,text/csv,text/vcard";
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const { added } = await api("/api/contacts/import", { method: "POST", form: new FormData(form) });
      form.reset();
      showErrors(form, {});
      toast(t("contacts.imported", { n: added }));
      await refresh();
    } catch (error) {
      // Each wrong record by its number in the file; nothing was stored.
      const problems = [error.fields.file, error.fields.rows].flat().filter(Boolean).join(" ");
      showErrors(form, { file: [problems || error.message] });
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

export function contactsPage() {
  return crudPage({
    title: t("contacts.title"), endpoint: "/api/contacts", addLabel: t("contacts.add"), editLabel: t("contacts.edit"),
    nameOf: (c) => c.name, usage: null, extraActions: callButtons,
    exports: [[t("contacts.exportCsv"), "/api/contacts/export?format=csv"],
      [t("contacts.exportExcel"), "/api/contacts/export?format=csv-excel"],
      [t("contacts.exportVcard"), "/api/contacts/export?format=vcard"]],
    footer: (refresh) => importForm(refresh),
    columns: [
      { label: t("name"), value: (c) => c.name },
      { label: t("contacts.company"), value: (c) => c.company },
      { label: t("contacts.numbers"), value: (c) => c.numbers.map((n) => (n.label ? `${n.label}: ${n.number}` : n.number)).join(", ") },
      { label: t("contacts.groups"), value: (c) => c.groups.join(", ") },
      { label: t("contacts.note"), value: (c) => c.note },
    ],
    fields: (c) => [
      { name: "name", label: t("name"), required: true, value: c?.name },
      { name: "company", label: t("contacts.company"), value: c?.company },
      { name: "numbers", label: t("contacts.numbers"), type: "textarea", rows: 4, help: t("contacts.numbersHelp"),
        value: numbersText(c?.numbers || []), read: (form) => numbersOf(form.elements.numbers.value) },
      { name: "groups", label: t("contacts.groups"), help: t("contacts.groupsHelp"), value: (c?.groups || []).join(", "),
        read: (form) => groupsOf(form.elements.groups.value) },
      { name: "note", label: t("contacts.note"), type: "textarea", value: c?.note },
    ],
  });
}
