// Call history (with the finance CSV), recordings with their expiry and legal hold, the audit log.
import { get, post } from "../api.js";
import { formatTime, t } from "../i18n.js";
import { canEdit } from "../session.js";
import { fill, fieldRow, h, showErrors, table, toast } from "../ui.js";
import { fullName, options } from "./crud.js";
import { pagedList } from "./listing.js";

export async function callsPage() {
  const [users, numbers] = await Promise.all([get("/api/users"), get("/api/main-numbers")]);
  const exportLink = h("a", { class: "button", download: "" }, t("export"));
  const form = h("form", { class: "filters", "aria-label": t("filter") },
    fieldRow({ name: "from", label: t("from"), type: "date" }),
    fieldRow({ name: "to", label: t("to"), type: "date" }),
    fieldRow({ name: "user", label: t("user"), type: "select", options: options(users, fullName, { empty: true }) }),
    fieldRow({ name: "main_number", label: t("main_number"), type: "select",
      options: options(numbers, (n) => n.number, { empty: true }) }),
    h("button", { type: "submit", class: "primary" }, t("filter")));
  const filters = () => new URLSearchParams([...new FormData(form)].filter(([, value]) => value));
  const list = pagedList({ endpoint: "/api/calls", query: filters, draw: (calls) => table([
    { label: t("started_at"), value: (c) => formatTime(c.started_at) },
    { label: t("direction"), value: (c) => t(`dir.${c.direction}`) },
    { label: t("main_number"), value: (c) => c.main_number },
    { label: t("caller"), value: (c) => (c.caller_name ? `${c.caller_name} (${c.caller})` : c.caller) },
    { label: t("answered_by"), value: (c) => c.answered_by || c.answered_number
      || (c.answered_at ? "" : h("span", { class: "badge missed" }, t("missed"))) },
    { label: t("wait_seconds"), value: (c) => String(c.wait_seconds) },
    { label: t("talk_seconds"), value: (c) => String(c.talk_seconds) },
    { label: t("path"), value: (c) => c.path.join(" → ") },
    { label: t("recordings"), value: (c) => h("ul", { class: "plain" }, c.recordings.map(recordingItem)) },
    { label: t("survey.column"), value: (c) => (c.survey ? c.survey.map((key) => key ?? "–").join(", ") : "") },
  ], calls) });
  async function load() {
    exportLink.href = `/api/calls.csv?${filters()}`;
    await list.load(1);
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
  await load();
  return h("section", {}, h("header", { class: "page-head" }, h("h1", {}, t("calls.title")),
    h("div", { class: "toolbar" }, exportLink)), form, list.search, list.results, list.pager);
}

// One recording of a call in its history: who started it (or the whole call), and its audio.
function recordingItem(r) {
  const who = r.started_by ? t("rec.started_by", { name: r.started_by }) : t("rec.whole");
  return h("li", {}, h("span", {}, `${formatTime(r.created_at)} ${who}`),
    h("audio", { controls: true, preload: "none", src: `/api/recordings/${r.id}/audio`, "aria-label": `${t("listen")}: ${who}` }));
}

export async function recordingsPage() {
  const section = h("section", {});
  const names = Object.fromEntries((await get("/api/users")).map((u) => [u.id, fullName(u)]));
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
      { label: t("started_by"), value: (r) => names[r.started_by_user_id] || "" },
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

export async function auditPage() {
  const { people, kinds } = await get("/api/audit/filters");
  const any = [["", t("audit.all")]];
  const form = h("form", { class: "filters", "aria-label": t("filter") },
    fieldRow({ name: "actor", label: t("audit.person"), type: "select", options: any.concat(people.map((p) => [p.actor, p.name])) }),
    fieldRow({ name: "entity", label: t("audit.kind"), type: "select", options: any.concat(kinds.map((k) => [k.entity, k.name])) }),
    fieldRow({ name: "from", label: t("from"), help: t("audit.day") }),
    fieldRow({ name: "to", label: t("to"), help: t("audit.day") }),
    h("button", { type: "submit", class: "primary" }, t("filter")));
  const rows = [];
  const body = h("div", { "aria-live": "polite" });
  const more = h("button", { type: "button" }, t("more"));
  async function load() {
    const query = new URLSearchParams([...new FormData(form)].filter(([, value]) => value));
    if (rows.length) query.set("before", rows[rows.length - 1].id);
    try {
      const page = await get(`/api/audit?${query}`);
      showErrors(form, {});
      rows.push(...page);
      more.hidden = page.length < 200;
      fill(body, table([
        { label: t("at"), value: (e) => formatTime(e.at) },
        { label: t("actor"), value: (e) => e.who },
        { label: t("audit.what"), value: auditWhat },
        { label: t("changes"), value: auditFields },
      ], rows, { empty: t("audit.empty") }));
    } catch (error) {
      showErrors(form, error.fields);
      more.hidden = true;
    }
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); rows.length = 0; load(); });
  more.addEventListener("click", load);
  await load();
  return h("section", {}, h("h1", {}, t("audit.title")), form, body, more);
}

// What was done, and for a published version a button that shows its diff from the version before.
function auditWhat(entry) {
  if (!entry.diff) return entry.what;
  const out = h("div", { class: "diff", "aria-live": "polite" });
  const { main_number_id: id, from, to } = entry.diff;
  const show = h("button", { type: "button", class: "link" }, t("audit.diff"));
  show.addEventListener("click", async () => {
    const { lines } = await get(`/api/main-numbers/${id}/scenario/diff?from=${from}&to=${to}`);
    fill(out, lines.length ? h("ul", {}, lines.map((line) => h("li", {}, line))) : h("p", {}, t("sc.noDiff")));
  });
  return h("div", {}, entry.what, " ", show, out);
}

// The changed fields by their labels: before → after.
function auditFields(entry) {
  if (!entry.fields.length) return "";
  return h("ul", {}, entry.fields.map((f) => h("li", {}, h("strong", {}, `${f.label}: `),
    "before" in f && "after" in f ? `${f.before} → ${f.after}` : f.after ?? f.before)));
}
