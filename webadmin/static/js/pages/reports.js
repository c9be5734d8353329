// Call history (with the finance CSV), recordings with their expiry and legal hold, the audit log.
import { get, post } from "../api.js";
import { formatTime, t } from "../i18n.js";
import { canEdit } from "../session.js";
import { fill, fieldRow, h, table, toast } from "../ui.js";
import { fullName, options } from "./crud.js";

export async function callsPage() {
  const [users, numbers] = await Promise.all([get("/api/users"), get("/api/main-numbers")]);
  const results = h("div", { "aria-live": "polite" });
  const exportLink = h("a", { class: "button", download: "" }, t("export"));
  const form = h("form", { class: "filters", "aria-label": t("filter") },
    fieldRow({ name: "from", label: t("from"), type: "date" }),
    fieldRow({ name: "to", label: t("to"), type: "date" }),
    fieldRow({ name: "user", label: t("user"), type: "select", options: options(users, fullName, { empty: true }) }),
    fieldRow({ name: "main_number", label: t("main_number"), type: "select",
      options: options(numbers, (n) => n.number, { empty: true }) }),
    h("button", { type: "submit", class: "primary" }, t("filter")));

  async function load() {
    const query = new URLSearchParams([...new FormData(form)].filter(([, value]) => value)).toString();
    exportLink.href = `/api/calls.csv?${query}`;
    try {
      const calls = await get(`/api/calls?${query}`);
      fill(results, table([
        { label: t("started_at"), value: (c) => formatTime(c.started_at) },
        { label: t("direction"), value: (c) => t(`dir.${c.direction}`) },
        { label: t("main_number"), value: (c) => c.main_number },
        { label: t("caller"), value: (c) => c.caller },
        { label: t("answered_by"), value: (c) => c.answered_by || c.answered_number
          || (c.answered_at ? "" : h("span", { class: "badge missed" }, t("missed"))) },
        { label: t("wait_seconds"), value: (c) => String(c.wait_seconds) },
        { label: t("talk_seconds"), value: (c) => String(c.talk_seconds) },
        { label: t("path"), value: (c) => c.path.join(" → ") },
      ], calls));
    } catch (error) {
      fill(results, h("p", { class: "error", role: "alert" }, error.message));
    }
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
  await load();
  return h("section", {}, h("header", { class: "page-head" }, h("h1", {}, t("calls.title")),
    h("div", { class: "toolbar" }, exportLink)), form, results);
}

export async function recordingsPage() {
  const section = h("section", {});
  async function refresh() {
    const { recordings } = await get("/api/recordings");
    const toggle = async (r) => {
      try {
        await post(`/api/recordings/${r.id}/legal-hold`, { hold: !r.legal_hold });
        await refresh();
      } catch (error) {
        toast(error.message, "error");
      }
    };
    fill(section, h("h1", {}, t("rec.title")), table([
      { label: t("created_at"), value: (r) => formatTime(r.created_at) },
      { label: t("kind"), value: (r) => t(`rec.kind.${r.kind}`) },
      { label: t("caller"), value: (r) => r.caller },
      { label: t("duration"), value: (r) => (r.duration_seconds ? `${Math.round(r.duration_seconds)} s` : "") },
      { label: t("expires_at"), value: (r) => (r.legal_hold ? t("rec.held") : formatTime(r.expires_at)) },
      { label: t("listen"), value: (r) => h("audio", { controls: true, preload: "none", src: `/api/recordings/${r.id}/audio`,
        "aria-label": `${t("listen")}: ${r.caller}` }) },
      { label: t("actions"), value: (r) => h("div", { class: "row-actions" },
        h("a", { class: "button", href: `/api/recordings/${r.id}/audio?download=1` }, t("download")),
        canEdit() ? h("button", { type: "button", "aria-pressed": String(r.legal_hold), onclick: () => toggle(r) },
          r.legal_hold ? t("release") : t("hold")) : null) },
    ], recordings));
  }
  await refresh();
  return section;
}

function changesText(entry) {
  return Object.entries(entry.changes || {}).map(([field, value]) => (Array.isArray(value) && entry.action === "update"
    ? `${field}: ${JSON.stringify(value[0])} → ${JSON.stringify(value[1])}` : `${field}: ${JSON.stringify(value)}`))
    .join("; ");
}

export async function auditPage() {
  const rows = [];
  const body = h("div", {});
  const more = h("button", { type: "button" }, t("more"));
  async function load() {
    const before = rows.length ? `?before=${rows[rows.length - 1].id}` : "";
    const page = await get(`/api/audit${before}`);
    rows.push(...page);
    more.hidden = page.length < 200;
    fill(body, table([
      { label: t("at"), value: (e) => formatTime(e.at) },
      { label: t("actor"), value: (e) => e.actor },
      { label: t("action"), value: (e) => t(`action.${e.action}`) },
      { label: t("entity"), value: (e) => `${e.entity} ${e.entity_id}` },
      { label: t("changes"), value: (e) => h("span", { class: "changes" }, changesText(e)) },
    ], rows));
  }
  more.addEventListener("click", load);
  await load();
  return h("section", {}, h("h1", {}, t("audit.title")), body, more);
}
