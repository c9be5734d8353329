// Exports for finance: call records to a file (at once, or in the background for a long period),
// the background exports with their progress and download links, and the scheduled e-mails.
import { del, get, patch, post } from "../api.js";
import { download, refusal } from "../downloads.js";
import { formatTime, language, t } from "../i18n.js";
import { canEdit } from "../session.js";
import { choose, fieldRow, fill, formDialog, h, readField, table, toast } from "../ui.js";
import { fullName, options } from "./crud.js";

const FORMATS = ["xlsx", "csv-excel", "csv"];
const POLL_MS = 1500;

// A filter's choices: first "all", which leaves it out.
const any = (choices) => [["", t("all")], ...choices];

function filterFields(refs, row = {}) {
  return [
    { name: "main_number", label: t("main_number"), type: "select", value: row.main_number, numeric: true,
      nullable: true, options: any(options(refs.numbers, (n) => (n.label ? `${n.label} (${n.number})` : n.number))) },
    { name: "user", label: t("user"), type: "select", value: row.user, numeric: true, nullable: true,
      options: any(options(refs.users, fullName)) },
    { name: "group", label: t("exp.group"), type: "select", value: row.group, numeric: true, nullable: true,
      options: any(options(refs.groups, (g) => g.name)) },
    { name: "direction", label: t("direction"), type: "select", value: row.direction, nullable: true,
      options: any(["in", "out", "internal"].map((d) => [d, t(`dir.${d}`)])) },
    { name: "answered", label: t("exp.answered"), type: "select", value: row.answered ?? "",
      options: any([["true", t("exp.answeredOnly")], ["false", t("exp.missedOnly")]]),
      read: (form) => ({ "": null, true: true, false: false })[form.querySelector("[name=answered]").value] },
    { name: "format", label: t("exp.format"), type: "select", value: row.format ?? "xlsx",
      options: FORMATS.map((f) => [f, t(`fmt.${f}`)]) },
  ];
}

function exportForm(refs, onStarted) {
  const fields = [
    { name: "from", label: t("from"), type: "date" }, { name: "to", label: t("to"), type: "date" },
    ...filterFields(refs),
  ];
  const message = h("p", { class: "error", role: "alert", hidden: true });
  const query = () => new URLSearchParams(fields.map((f) => [f.name, readField(form, f) ?? ""])
    .filter(([, value]) => value !== "")).toString();
  const say = (text) => { message.hidden = !text; message.textContent = text || ""; };
  async function now() {
    say("");
    try {
      await download(`/api/calls/export?${query()}`);
    } catch (error) {
      say(refusal(error));
    }
  }
  async function background() {
    say("");
    try {
      await post(`/api/exports?${query()}`);
      toast(t("exp.started"));
      onStarted();
    } catch (error) {
      say(refusal(error));
    }
  }
  const form = h("form", { class: "filters", "aria-label": t("exp.calls") }, fields.map(fieldRow),
    h("div", { class: "buttons" },
      h("button", { type: "submit", class: "primary" }, t("exp.download")),
      h("button", { type: "button", onclick: background }, t("exp.background"))));
  form.addEventListener("submit", (event) => { event.preventDefault(); now(); });
  return h("section", { "aria-labelledby": "exp-calls" }, h("h2", { id: "exp-calls" }, t("exp.calls")),
    h("p", { class: "note" }, t("exp.help")), form, message);
}

function progress(job) {
  if (job.status === "done") {
    return h("a", { href: job.download, download: "" }, `${t("download")} (${job.file_name})`);
  }
  if (job.status === "failed") return h("span", { class: "error" }, `${t("exp.status.failed")}: ${job.error}`);
  const label = t("exp.progress", { done: job.rows_done, total: job.rows_total });
  return h("span", {}, h("progress", { max: job.rows_total || 1, value: job.rows_done, "aria-label": label }),
    " ", t(`exp.status.${job.status}`), " ", label);
}

function jobsSection() {
  const section = h("section", { "aria-labelledby": "exp-jobs", "aria-live": "polite" });
  let shown = false;
  // Polls while an export runs and the page is open (the first time, before the page is shown).
  async function refresh() {
    const jobs = await get("/api/exports");
    fill(section, h("h2", { id: "exp-jobs" }, t("exp.jobs")), table([
      { label: t("exp.startedAt"), value: (j) => formatTime(j.created_at) },
      { label: t("exp.format"), value: (j) => t(`fmt.${j.format}`) },
      { label: t("exp.rows"), value: (j) => String(j.rows_total) },
      { label: t("exp.status"), value: progress },
    ], jobs, { empty: t("exp.noJobs") }));
    const open = section.isConnected || !shown;
    shown = true;
    if (open && jobs.some((j) => j.status === "queued" || j.status === "running")) setTimeout(refresh, POLL_MS);
  }
  return { section, refresh };
}

// "2026-10-01" as people read it: "01.10.2026" in Polish.
const day = (iso) => (language() === "pl" ? iso.split("-").reverse().join(".") : iso);

const words = (s) => [s.names.main_number, s.names.user, s.names.group, s.direction && t(`dir.${s.direction}`),
  s.answered === true ? t("exp.answeredOnly") : s.answered === false ? t("exp.missedOnly") : null]
  .filter(Boolean).join(", ") || t("all");

function scheduleDialog(refs, row, onSaved) {
  const fields = [
    { name: "name", label: t("name"), required: true, value: row?.name },
    { name: "frequency", label: t("exp.frequency"), type: "select", value: row?.frequency ?? "monthly",
      options: ["daily", "weekly", "monthly"].map((f) => [f, t(`freq.${f}`)]) },
    { name: "recipients", label: t("exp.recipients"), type: "textarea", rows: 3, value: row?.recipients.join("\n"),
      read: (form) => form.querySelector("[name=recipients]").value.split(/[\n,;]+/).map((a) => a.trim())
        .filter(Boolean) },
    ...filterFields(refs, row || {}),
  ];
  formDialog({
    title: t(row ? "exp.editSchedule" : "exp.addSchedule"), fields,
    onSubmit: async (values) => {
      await (row ? patch(`/api/export-schedules/${row.id}`, values) : post("/api/export-schedules", values));
      toast(t("saved"));
      onSaved();
    },
  });
}

function schedulesSection(refs) {
  const section = h("section", { "aria-labelledby": "exp-schedules" });
  async function refresh() {
    const schedules = await get("/api/export-schedules");
    const actions = (s) => h("span", {},
      h("button", { type: "button", class: "link", onclick: () => scheduleDialog(refs, s, refresh) }, t("edit")),
      h("button", { type: "button", class: "link danger", onclick: async () => {
        const answer = await choose({ title: t("confirmDelete", { name: s.name }), text: t("exp.deleteLead"),
          buttons: [["delete", t("delete"), "danger"], ["keep", t("cancel")]], cancel: "keep" });
        if (answer !== "delete") return;
        await del(`/api/export-schedules/${s.id}`);
        toast(t("deleted"));
        refresh();
      } }, t("delete")));
    fill(section, h("h2", { id: "exp-schedules" }, t("exp.schedules")),
      h("p", { class: "note" }, t("exp.schedulesHelp")),
      table([
        { label: t("name"), value: (s) => s.name },
        { label: t("exp.frequency"), value: (s) => t(`freq.${s.frequency}`) },
        { label: t("exp.format"), value: (s) => t(`fmt.${s.format}`) },
        { label: t("exp.to"), value: (s) => s.recipients.join(", ") },
        { label: t("exp.filters"), value: words },
        { label: t("exp.lastSent"), value: (s) => (s.last_period_sent ? day(s.last_period_sent) : t("exp.never")) },
        ...(canEdit() ? [{ label: t("actions"), value: actions }] : []),
      ], schedules),
      canEdit() ? h("button", { type: "button", class: "primary", onclick: () => scheduleDialog(refs, null, refresh) },
        t("exp.addSchedule")) : null);
  }
  return { section, refresh };
}

export async function exportsPage() {
  const [users, numbers, groups] = await Promise.all([get("/api/users"), get("/api/main-numbers"), get("/api/groups")]);
  const refs = { users, numbers, groups };
  const jobs = jobsSection();
  const schedules = schedulesSection(refs);
  const page = h("section", {}, h("h1", {}, t("exp.title")), exportForm(refs, jobs.refresh), jobs.section,
    schedules.section);
  await Promise.all([jobs.refresh(), schedules.refresh()]);
  return page;
}
