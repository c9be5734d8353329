// The company's own settings: every admin sees them, only an owner changes them.
import { get, patch, post } from "../api.js";
import { setZone, t } from "../i18n.js";
import { isOwner } from "../session.js";
import { fill, fieldRow, h, readField, showErrors, toast } from "../ui.js";
import { fallbackFields, options } from "./crud.js";
import { sessionsSection, tokensSection } from "./tokens.js";

function settingsFields(company, boxes, announcements) {
  return [
    { name: "name", label: t("company.name"), required: true, value: company.name },
    // Suggestions only: the server accepts any IANA zone.
    { name: "timezone", label: t("company.timezone"), required: true, help: t("company.timezone.help"),
      value: company.timezone, suggestions: Intl.supportedValuesOf?.("timeZone") ?? ["Europe/Warsaw"] },
    { name: "language", label: t("company.language"), type: "select", help: t("company.language.help"),
      value: company.language, options: [["pl", t("lang.pl")], ["en", t("lang.en")]] },
    { name: "retention_days", label: t("company.retention_days"), type: "number", min: 1, max: 3650,
      help: t("company.retention_days.help"), value: company.retention_days },
    { name: "fallback_number", label: t("company.fallback_number"), type: "tel", nullable: true,
      help: t("company.fallback_number.help"), value: company.fallback_number },
    ...fallbackFields(boxes, company, { prefix: "default_", labels: "fallback.company" }),
    // Empty: the code is off. The server checks the form (* or # and a digit, both starting alike).
    { name: "transfer_blind_code", label: t("company.transfer_blind_code"), nullable: true,
      help: t("company.transfer_blind_code.help"), value: company.transfer_blind_code },
    { name: "transfer_attended_code", label: t("company.transfer_attended_code"), nullable: true,
      help: t("company.transfer_attended_code.help"), value: company.transfer_attended_code },
    { name: "record_code", label: t("company.record_code"), nullable: true,
      help: t("company.record_code.help"), value: company.record_code },
    { name: "recording_notice_id", label: t("company.recording_notice_id"), type: "select", nullable: true, numeric: true,
      help: t("company.recording_notice_id.help"), value: company.recording_notice_id,
      options: options(announcements, (a) => a.name, { empty: true }) },
  ];
}

function settingRow(field) {
  const row = fieldRow(field);
  if (field.suggestions) {
    const input = row.querySelector("input");
    const list = h("datalist", { id: `${input.id}-suggestions` }, field.suggestions.map((value) => h("option", { value })));
    input.setAttribute("list", list.id);
    row.append(list);
  }
  return row;
}

// The key "Call a server" nodes sign with: made here, shown this once, never again.
function serverKeySection(company, editable) {
  const shown = h("output", { class: "secret", "aria-live": "polite" });
  const make = async () => {
    if (company.server_secret_set && !window.confirm(t("company.server_secret.confirm"))) return;
    const made = await post("/api/company/server-secret", {});
    company.server_secret_set = true;
    state.textContent = t("company.server_secret.set");
    fill(shown, h("p", {}, t("company.server_secret.once")), h("code", {}, made.server_secret));
  };
  const state = h("p", {}, t(company.server_secret_set ? "company.server_secret.set" : "company.server_secret.none"));
  return h("section", { class: "card", "aria-labelledby": "server-key-title" },
    h("h2", { id: "server-key-title" }, t("company.server_secret")),
    h("p", { class: "note" }, t("company.server_secret.help")), state,
    editable ? h("button", { type: "button", onclick: make }, t("company.server_secret.make")) : null, shown);
}

export async function companyPage() {
  const section = h("section", { "aria-labelledby": "page-title" });
  const editable = isOwner();

  const [boxes, announcements] = await Promise.all([get("/api/voicemail-boxes"), get("/api/announcements")]);

  function show(company) {
    const fields = settingsFields(company, boxes, announcements);
    const status = h("p", { class: "error", role: "alert" });
    // novalidate: the server's messages appear next to the fields, the same way for every rule.
    const form = h("form", { class: "stack", novalidate: true, "aria-labelledby": "page-title" },
      h("fieldset", { class: "stack", disabled: !editable }, fields.map(settingRow)),
      editable ? status : null,
      editable ? h("div", { class: "buttons" }, h("button", { type: "submit", class: "primary" }, t("save"))) : null);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      // Only what was changed is sent: saving never undoes someone else's change to another field.
      const changes = Object.fromEntries(fields.map((f) => [f.name, readField(form, f)])
        .filter(([name, value]) => value !== company[name]));
      try {
        const saved = await patch("/api/company", changes);
        // The header and the times shown follow the new name and zone without signing in again.
        document.getElementById("company").textContent = saved.name;
        setZone(saved.timezone);
        show(saved);
        toast(t("saved"));
      } catch (error) {
        showErrors(form, error.fields || {});
        status.textContent = Object.keys(error.fields || {}).length ? t("fixErrors") : error.message;
      }
    });
    fill(section,
      h("h1", { id: "page-title" }, t("company.title")),
      editable ? null : h("p", { class: "note" }, t("company.ownerOnly")),
      form);
  }

  const company = await get("/api/company");
  show(company);
  return h("div", {}, section, serverKeySection(company, editable), sessionsSection(),
    editable ? await tokensSection() : null);
}
